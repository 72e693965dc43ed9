//! The postgres dialect plugin for plugorm (being written).
