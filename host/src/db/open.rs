//! Opening a database: [`Registry::open`] picks the dialect by URL scheme, layers the pool
//! settings and registers the plugins' callbacks; [`open`] does it through the
//! process-wide [`default_registry`].

use std::{
    path::Path,
    sync::{Arc, OnceLock},
};

use plugorm_plugin_api::{Dialect, PoolOptions};

use super::Db;
use crate::{
    callbacks::Callbacks,
    config::{self, PluginsConfig},
    error::redact_url,
    loader, pool_settings, Error, Registry, Result,
};

impl Registry {
    /// Loads the statically linked plugins and those a configuration names.
    pub fn load(config: &PluginsConfig) -> Result<Registry> {
        Ok(loader::load(config)?)
    }

    /// Reads a `plugins.toml` and loads its plugins.
    pub fn from_config_file(path: impl AsRef<Path>) -> Result<Registry> {
        let config = PluginsConfig::load(path.as_ref())?;
        Registry::load(&config)
    }

    /// Opens a database by URL, with default pool options (adjusted by the dialect's
    /// `[plugin.pool]` in `plugins.toml` and by pool keys in the URL).
    pub async fn open(&self, url: &str) -> Result<Db> {
        self.open_with(url, PoolOptions::default()).await
    }

    /// Opens a database by URL; the scheme picks the dialect.
    ///
    /// The pool gets `options`, then the dialect's `[plugin.pool]` settings from
    /// `plugins.toml`, then the pool keys of the URL's query string
    /// ([`config::PoolSettings`]), each layer overriding what it sets: the application
    /// gives defaults, the operator tunes them without recompiling.
    ///
    /// ```no_run
    /// # async fn run(registry: plugorm::Registry) -> Result<(), plugorm::Error> {
    /// let db = registry
    ///     .open("postgres://app@db/app?sslmode=require&max_connections=20&idle_timeout=5m")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with(&self, url: &str, options: PoolOptions) -> Result<Db> {
        let (plugin, dialect) = self.dialect_for_url(url)?;
        let (driver_url, options) = pool_settings::layered_options(&plugin.pool, url, options)
            .map_err(|reason| Error::InvalidUrl {
                url: redact_url(url),
                reason,
            })?;
        let url = driver_url.as_str();
        let callbacks = self.session_callbacks()?;
        let pool = dialect.connect(url, options).await?;
        Ok(Db::new(
            &self.services,
            dialect,
            pool,
            callbacks,
            redact_url(url),
        ))
    }
}

impl Registry {
    /// The loaded dialect plugin serving `url`'s scheme ([`Error::UnknownScheme`] listing
    /// the loaded schemes when none does).
    pub(crate) fn dialect_for_url(
        &self,
        url: &str,
    ) -> Result<(&crate::LoadedPlugin, Arc<dyn Dialect>)> {
        let scheme = url_scheme(url)?;
        self.dialect_plugin_for_scheme(scheme)
            .ok_or_else(|| Error::UnknownScheme {
                url: redact_url(url),
                scheme: scheme.to_string(),
                available: self.schemes(),
            })
    }

    /// The default callbacks plus those the loaded feature plugins register: what every
    /// database this registry opens starts with.
    pub(super) fn session_callbacks(&self) -> Result<Callbacks> {
        let callbacks = Callbacks::with_defaults();
        for spec in self.callbacks() {
            callbacks.register_spec(spec)?;
        }
        Ok(callbacks)
    }
}

fn url_scheme(url: &str) -> Result<&str> {
    pool_settings::url_scheme(url).map_err(|reason| Error::InvalidUrl {
        url: redact_url(url),
        reason: reason.into(),
    })
}

static DEFAULT_REGISTRY: OnceLock<Registry> = OnceLock::new();

/// The process-wide registry: statically linked plugins plus those in the default
/// configuration ([`config::default_config_path`]). A missing file means "no configured
/// plugins"; a broken one is an error.
pub fn default_registry() -> Result<&'static Registry> {
    if let Some(r) = DEFAULT_REGISTRY.get() {
        return Ok(r);
    }
    let path = config::default_config_path();
    let config = if path.exists() {
        PluginsConfig::load(&path)?
    } else {
        PluginsConfig {
            path,
            ..PluginsConfig::default()
        }
    };
    let registry = Registry::load(&config)?;
    Ok(DEFAULT_REGISTRY.get_or_init(|| registry))
}

/// Opens a database through the [`default_registry`].
pub async fn open(url: &str) -> Result<Db> {
    default_registry()?.open(url).await
}
