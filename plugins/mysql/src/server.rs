//! Which server a pool talks to: MySQL or MariaDB, and its version, read once when the
//! pool opens (`SELECT VERSION()`), because the two differ in their locking syntax.

/// A server's kind and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Server {
    pub mariadb: bool,
    pub version: (u32, u32, u32),
}

impl Server {
    /// Reads `VERSION()` text: `8.0.36`, `10.11.19-MariaDB-0+deb12u1`, or the protocol's
    /// old `5.5.5-10.11.6-MariaDB` prefix form.
    ///
    /// ```ignore
    /// let s = Server::parse("10.11.19-MariaDB-0+deb12u1");
    /// assert!(s.mariadb && s.version == (10, 11, 19));
    /// ```
    pub(crate) fn parse(version: &str) -> Server {
        let mariadb = version.to_ascii_lowercase().contains("mariadb");
        let text = version
            .strip_prefix("5.5.5-")
            .filter(|_| mariadb)
            .unwrap_or(version);
        let mut parts = text
            .split(|c: char| !c.is_ascii_digit())
            .take(3)
            .map(|p| p.parse::<u32>().unwrap_or(0));
        let major = parts.next().unwrap_or(0);
        let minor = parts.next().unwrap_or(0);
        let patch = parts.next().unwrap_or(0);
        Server {
            mariadb,
            version: (major, minor, patch),
        }
    }

    /// `MariaDB 10.11.19` / `MySQL 8.0.36`, for messages.
    pub(crate) fn describe(&self) -> String {
        let (a, b, c) = self.version;
        let name = if self.mariadb { "MariaDB" } else { "MySQL" };
        format!("{name} {a}.{b}.{c}")
    }
}

#[cfg(test)]
mod tests {
    use super::Server;

    #[test]
    fn versions() {
        let m = Server::parse("10.11.19-MariaDB-0+deb12u1");
        assert_eq!((m.mariadb, m.version), (true, (10, 11, 19)));
        let old = Server::parse("5.5.5-10.3.39-MariaDB");
        assert_eq!((old.mariadb, old.version), (true, (10, 3, 39)));
        let my = Server::parse("8.0.36");
        assert_eq!((my.mariadb, my.version), (false, (8, 0, 36)));
        assert_eq!(my.describe(), "MySQL 8.0.36");
        assert_eq!(Server::parse("garbage").version, (0, 0, 0));
    }
}
