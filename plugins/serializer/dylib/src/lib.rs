//! The loadable `.so` of the serializer plugin: exports the root module and nothing else.

plugorm_plugin_api::export_plugin!(plugorm_serializer::PLUGIN);
