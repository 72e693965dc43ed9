//! The loadable `.so` of the SQLite plugin: exports the root module and nothing else.

plugorm_plugin_api::export_plugin!(plugorm_sqlite::PLUGIN);
