//! Matching primitives for condition operators (being written).
