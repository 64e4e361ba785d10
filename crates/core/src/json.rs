//! A span-recording JSON reader (being written).
