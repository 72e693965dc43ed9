//! The loadable `.so` of the MySQL / MariaDB plugin: exports the root module and nothing else.

plugorm_plugin_api::export_plugin!(plugorm_mysql::PLUGIN);
