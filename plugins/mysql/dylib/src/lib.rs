//! The loadable `.so` of the mysql plugin (being written).
