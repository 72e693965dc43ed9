//! Logging across the boundary.
//!
//! A plugin `.so` has its own copy of `tracing`, whose events reach no subscriber of the
//! host. At instantiation the plugin installs, as *its* global default, a small subscriber
//! that forwards every enabled event to the host through [`HostServices::log`]; the host
//! re-emits it into its own subscriber with target `plugorm::plugin` and the fields
//! `plugin` and `origin` (the plugin-side target). Statically linked plugins share the
//! host's `tracing` and need no bridge.

use std::{
    fmt::Write as _,
    panic::{catch_unwind, AssertUnwindSafe},
    sync::OnceLock,
};

use abi_stable::{
    prefix_type::PrefixTypeTrait,
    std_types::{RStr, RString},
    StableAbi,
};
use tracing::{
    field::{Field, Visit},
    level_filters::LevelFilter,
    span,
    subscriber::Interest,
    Event, Level, Metadata, Subscriber,
};

/// One log event crossing from a plugin to the host.
#[repr(C)]
#[derive(StableAbi, Debug)]
pub struct LogRecord<'a> {
    /// 1 = error … 5 = trace.
    pub level: u8,
    pub plugin: RStr<'a>,
    /// The plugin-side target (module path).
    pub target: RStr<'a>,
    /// The message followed by the other fields as `key=value`.
    pub message: RStr<'a>,
}

/// What the host offers every plugin. New services are appended after the last field.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = HostServicesRef)))]
#[sabi(missing_field(option))]
pub struct HostServices {
    /// The most verbose level the host's subscribers want now (1 = error … 5 = trace,
    /// 0 = off); asked per event, so a subscriber installed later is honoured.
    pub max_level: extern "C" fn() -> u8,
    /// Receives a plugin's log event.
    #[sabi(last_prefix_field)]
    pub log: extern "C" fn(record: &LogRecord<'_>),
}

fn level_to_u8(l: &Level) -> u8 {
    match *l {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

fn filter_to_u8(f: LevelFilter) -> u8 {
    f.into_level().map_or(0, |l| level_to_u8(&l))
}

extern "C" fn host_log(r: &LogRecord<'_>) {
    super::crossings::into_host();
    // Nothing may unwind back into the plugin.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let (plugin, origin, msg) = (r.plugin.as_str(), r.target.as_str(), r.message.as_str());
        match r.level {
            1 => tracing::error!(target: "plugorm::plugin", plugin, origin, "{msg}"),
            2 => tracing::warn!(target: "plugorm::plugin", plugin, origin, "{msg}"),
            3 => tracing::info!(target: "plugorm::plugin", plugin, origin, "{msg}"),
            4 => tracing::debug!(target: "plugorm::plugin", plugin, origin, "{msg}"),
            _ => tracing::trace!(target: "plugorm::plugin", plugin, origin, "{msg}"),
        }
    }));
}

/// The host's services, as the host hands them to each plugin it instantiates.
pub fn host_services() -> HostServicesRef {
    static SERVICES: OnceLock<HostServicesRef> = OnceLock::new();
    *SERVICES.get_or_init(|| {
        HostServices {
            max_level: host_max_level,
            log: host_log,
        }
        .leak_into_prefix()
    })
}

extern "C" fn host_max_level() -> u8 {
    super::crossings::into_host();
    catch_unwind(|| filter_to_u8(LevelFilter::current())).unwrap_or(0)
}

struct Bridge {
    host: HostServicesRef,
    plugin: RString,
}

impl Bridge {
    fn max(&self) -> u8 {
        (self.host.max_level())()
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={}", field.name(), value);
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={:?}", field.name(), value);
        }
    }
}

impl Subscriber for Bridge {
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> Interest {
        // Never cache a verdict: the host's level can change after the plugin loads.
        Interest::sometimes()
    }
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        level_to_u8(metadata.level()) <= self.max()
    }
    fn new_span(&self, _span: &span::Attributes<'_>) -> span::Id {
        // Spans are not forwarded; events carry their own fields.
        span::Id::from_u64(1)
    }
    fn record(&self, _span: &span::Id, _values: &span::Record<'_>) {}
    fn record_follows_from(&self, _span: &span::Id, _follows: &span::Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        fields.message.push_str(&fields.rest);
        let meta = event.metadata();
        let record = LogRecord {
            level: level_to_u8(meta.level()),
            plugin: self.plugin.as_rstr(),
            target: RStr::from_str(meta.target()),
            message: RStr::from_str(&fields.message),
        };
        (self.host.log())(&record);
    }
    fn enter(&self, _span: &span::Id) {}
    fn exit(&self, _span: &span::Id) {}
}

static INSTALLED: OnceLock<()> = OnceLock::new();

/// Installs the bridge as this image's global subscriber (plugin side, dynamic only).
pub(crate) fn install_bridge(host: HostServicesRef, plugin: &str) {
    INSTALLED.get_or_init(|| {
        let bridge = Bridge {
            host,
            plugin: plugin.into(),
        };
        let _ = tracing::subscriber::set_global_default(bridge);
    });
}
