//! Logs to stderr. A failed statement is reported once, as the command's error: the SQL
//! logger's own lines (target `plugorm::sql`, GORM's format) show only when RUST_LOG asks
//! for them. The demo also echoes every statement to stdout. Colours only on a terminal,
//! and never when `NO_COLOR` is set.

use tracing_subscriber::{
    filter::Targets, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer as _,
};

use crate::echo::{no_color, SqlEcho};

/// Installs the subscriber; `echo_sql` adds the demo's statement echo.
pub fn init(echo_sql: bool) {
    let stderr = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()) && !no_color())
        .with_writer(std::io::stderr)
        .with_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("warn,plugorm::sql=off")),
        );
    let echo = echo_sql.then(|| {
        SqlEcho::for_stdout()
            .with_filter(Targets::new().with_target("plugorm::sql", tracing::Level::DEBUG))
    });
    tracing_subscriber::registry()
        .with(stderr)
        .with(echo)
        .init();
}
