//! The loadable `.so` of the soft-delete plugin: exports the root module and nothing else.

plugorm_plugin_api::export_plugin!(plugorm_soft_delete::PLUGIN);
