//! The loadable `.so` of the example rusqlite dialect: exports the root module and
//! nothing else.

plugorm_plugin_api::export_plugin!(plugorm_rusqlite::PLUGIN);
