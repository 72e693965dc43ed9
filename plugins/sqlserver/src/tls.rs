//! The TLS crypto provider.
//!
//! tiberius' rustls backend depends on tokio-rustls with its default features, which
//! turn on rustls' aws-lc-rs provider; plugorm's other TLS users (sqlx, for PostgreSQL
//! and MySQL) turn on ring. With both compiled in, rustls cannot pick a provider by
//! itself, and anything that asks for the process default without one installed panics.
//! The plugin installs ring, as everywhere else in plugorm, before its first handshake;
//! tiberius then uses it too.

/// Makes ring the process's rustls provider, unless one is installed already (by this
/// plugin, another plugin or the application: theirs stays). Idempotent.
///
/// ```ignore
/// tls::install_ring();
/// assert!(rustls::crypto::CryptoProvider::get_default().is_some());
/// ```
pub(crate) fn install_ring() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another installer is fine: a provider is installed either way.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_provider_is_installed_and_a_second_call_keeps_it() {
        super::install_ring();
        let first = rustls::crypto::CryptoProvider::get_default().cloned();
        assert!(first.is_some());
        super::install_ring();
        let second = rustls::crypto::CryptoProvider::get_default().cloned();
        assert!(std::sync::Arc::ptr_eq(&first.unwrap(), &second.unwrap()));
        // With both providers compiled in, building a config needs no further choice.
        let config = rustls::ClientConfig::builder()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        assert!(!config.alpn_protocols.iter().any(|p| p.is_empty()));
    }
}
