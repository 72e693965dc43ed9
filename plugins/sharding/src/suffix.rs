//! Shard table names: the logical table plus a suffix written from the shard's index
//! with a printf-style format (`_%02d` → `orders_03`), GORM's default format by default.

use plugorm_plugin_api::DbError;

use crate::config::bad;

/// A suffix format: the text around one `%d` / `%0Nd`.
#[derive(Debug, Clone)]
pub(crate) struct Suffix {
    before: String,
    width: usize,
    after: String,
}

impl Suffix {
    /// GORM's default for `shards` shards: `_%01d` under 10, `_%02d` under 100, …
    pub(crate) fn default_for(shards: u32) -> Suffix {
        Suffix {
            before: "_".into(),
            width: shards.max(1).to_string().len(),
            after: String::new(),
        }
    }

    /// Parses a format with exactly one `%d` or `%0Nd`.
    pub(crate) fn parse(format: &str) -> Result<Suffix, DbError> {
        let refuse = || {
            bad(
                "suffix",
                format!("`{format}` must hold exactly one `%d` or `%0Nd` (as `_%02d`)"),
            )
        };
        let (before, rest) = format.split_once('%').ok_or_else(refuse)?;
        let (spec, after) = rest.split_once('d').ok_or_else(refuse)?;
        let width = match spec {
            "" => 0,
            s if s.starts_with('0') => s[1..].parse().map_err(|_| refuse())?,
            _ => return Err(refuse()),
        };
        if after.contains('%') || before.contains('%') || width > 10 {
            return Err(refuse());
        }
        Ok(Suffix {
            before: before.into(),
            width,
            after: after.into(),
        })
    }

    /// The suffix of shard `index`.
    pub(crate) fn of(&self, index: u32) -> String {
        format!("{}{index:0w$}{}", self.before, self.after, w = self.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gorm_defaults_and_formats() {
        assert_eq!(Suffix::default_for(4).of(3), "_3");
        assert_eq!(Suffix::default_for(10).of(3), "_03");
        assert_eq!(Suffix::default_for(99).of(3), "_03");
        assert_eq!(Suffix::default_for(999).of(7), "_007");
        assert_eq!(Suffix::default_for(1000).of(7), "_0007");
        assert_eq!(Suffix::parse("_%02d").unwrap().of(1), "_01");
        assert_eq!(Suffix::parse("_p%d_x").unwrap().of(12), "_p12_x");
        for bad in ["_", "_%s", "_%d%d", "%x", "_%2d"] {
            assert!(Suffix::parse(bad).is_err(), "{bad}");
        }
    }
}
