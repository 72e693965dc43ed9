//! The loadable `.so` of the SQL Server plugin: exports the root module and nothing else.

plugorm_plugin_api::export_plugin!(plugorm_sqlserver::PLUGIN);
