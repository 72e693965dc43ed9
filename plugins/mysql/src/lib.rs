//! The mysql dialect plugin for plugorm (being written).
