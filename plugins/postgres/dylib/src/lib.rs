//! The loadable `.so` of the postgres plugin (being written).
