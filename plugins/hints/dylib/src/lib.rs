//! The loadable `.so` of the hints plugin: exports the root module and nothing else.

plugorm_plugin_api::export_plugin!(plugorm_hints::PLUGIN);
