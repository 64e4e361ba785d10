//! Helpers shared by several rules of one group.
