//! The benchmark workloads (being written).
