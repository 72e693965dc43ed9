//! The growth rules of plugin API 0.2, checked with abi_stable's own layout checker (the one
//! the host's loader runs): each test compares a type as this release defines it with a copy
//! as a later 0.2 release could define it, in both directions (old plugin in a new host, new
//! plugin in an old host).

// abi_stable's derives emit impls inside generated modules.
#![allow(non_local_definitions)]
// The later releases' types exist for their layouts only.
#![allow(dead_code)]

use abi_stable::{
    std_types::{RSlice, RStr},
    type_layout::TypeLayout,
    StableAbi,
};

use super::{
    compat::{check_layouts, ApiVersion, LayoutVerdict},
    FfiDialectBox, FfiFeatureBox, FfiHostBox,
};

const V0_2_0: ApiVersion = ApiVersion {
    major: 0,
    minor: 2,
    patch: 0,
};
const V0_2_1: ApiVersion = ApiVersion {
    major: 0,
    minor: 2,
    patch: 1,
};

/// The loader's verdict for a plugin built at `plugin_api` with `plugin`'s layout, in a
/// host built at `host_api` with `host`'s.
fn verdict(
    host: &'static TypeLayout,
    host_api: ApiVersion,
    plugin: &'static TypeLayout,
    plugin_api: ApiVersion,
) -> Result<LayoutVerdict, String> {
    check_layouts(host, host_api, plugin, plugin_api)
}

/// `FfiDialectInfo` of a later release: one capability appended after the last prefix field.
mod later_info {
    use super::*;

    #[repr(C)]
    #[derive(StableAbi)]
    #[sabi(kind(Prefix(prefix_ref = FfiDialectInfoRef)))]
    #[sabi(missing_field(option))]
    pub struct FfiDialectInfo {
        pub name: RStr<'static>,
        pub url_schemes: RSlice<'static, RStr<'static>>,
        pub returning: bool,
        pub savepoints: bool,
        pub upsert: u8,
        pub row_locks: bool,
        pub max_params: u32,
        #[sabi(last_prefix_field)]
        pub insert_id_row: u8,
        pub insert_id_exact: bool,
        pub transactional_ddl: bool,
        pub window_functions: bool,
    }
}

/// The same struct changed in a way 0.2 forbids: a prefix field's type.
mod broken_info {
    use super::*;

    #[repr(C)]
    #[derive(StableAbi)]
    #[sabi(kind(Prefix(prefix_ref = FfiDialectInfoRef)))]
    #[sabi(missing_field(option))]
    pub struct FfiDialectInfo {
        pub name: RStr<'static>,
        pub url_schemes: RSlice<'static, RStr<'static>>,
        pub returning: bool,
        pub savepoints: bool,
        pub upsert: u8,
        pub row_locks: bool,
        pub max_params: u64,
        #[sabi(last_prefix_field)]
        pub insert_id_row: u8,
    }
}

/// `FfiPluginInstance` of a later release: a third plugin kind.
mod later_instance {
    use super::*;

    #[repr(C, u8)]
    #[derive(StableAbi)]
    #[sabi(kind(WithNonExhaustive(size = [usize; 8], traits(Send, Sync))))]
    pub enum FfiPluginInstance {
        Dialect {
            info: super::super::FfiDialectInfoRef,
            dialect: FfiDialectBox,
        },
        Feature(FfiFeatureBox),
        Serializer(FfiFeatureBox),
    }
}

/// `FfiDialect` of a later release: one method appended after the last prefix method.
mod later_dialect {
    use abi_stable::{
        sabi_trait,
        std_types::{RBox, RString, RVec},
    };

    use crate::{
        dialect::PoolOptions,
        ffi::{FfiDdl, FfiFut, FfiPoolBox, FfiResult},
        migrate::TableInfo,
        row::Rows,
        statement::{Statement, TableRef},
        Sql,
    };

    #[sabi_trait]
    pub trait FfiDialect: Send + Sync {
        fn render(&self, stmt: &Statement) -> FfiResult<Sql>;
        fn connect(&self, url: RString, options: PoolOptions) -> FfiFut<FfiPoolBox>;
        fn render_ddl(&self, ddl: &FfiDdl) -> FfiResult<RVec<Sql>>;
        fn introspection_queries(&self, table: &TableRef) -> FfiResult<RVec<Sql>>;
        #[sabi(last_prefix_field)]
        fn parse_introspection(
            &self,
            table: &TableRef,
            results: RVec<Rows>,
        ) -> FfiResult<TableInfo>;
        fn render_script(&self, script: RString) -> FfiResult<RVec<Sql>>;
    }

    pub type FfiDialectBox = FfiDialect_TO<'static, RBox<()>>;
}

/// `later` (0.2.1) only appends to `now` (0.2.0): each loads beside the other.
fn assert_grows(now: &'static TypeLayout, later: &'static TypeLayout) {
    let newer_plugin = verdict(now, V0_2_0, later, V0_2_1);
    assert_eq!(newer_plugin, Ok(LayoutVerdict::NewerPlugin));
    let older_plugin = verdict(later, V0_2_1, now, V0_2_0);
    assert_eq!(older_plugin, Ok(LayoutVerdict::OlderPlugin));
}

#[test]
fn dialect_info_grows_by_appending_fields() {
    let now = <super::FfiDialectInfoRef as StableAbi>::LAYOUT;
    let later = <later_info::FfiDialectInfoRef as StableAbi>::LAYOUT;
    assert_grows(now, later);
    assert_eq!(verdict(now, V0_2_0, now, V0_2_0), Ok(LayoutVerdict::Same));
}

#[test]
fn an_older_plugin_may_not_claim_to_be_newer() {
    // Fewer fields than the host but a later version number: something else is wrong.
    let now = <super::FfiDialectInfoRef as StableAbi>::LAYOUT;
    let later = <later_info::FfiDialectInfoRef as StableAbi>::LAYOUT;
    assert!(verdict(later, V0_2_0, now, V0_2_1).is_err());
}

#[test]
fn changing_a_prefix_field_is_refused() {
    let now = <super::FfiDialectInfoRef as StableAbi>::LAYOUT;
    let broken = <broken_info::FfiDialectInfoRef as StableAbi>::LAYOUT;
    assert!(verdict(now, V0_2_0, broken, V0_2_1).is_err());
    assert!(verdict(broken, V0_2_1, now, V0_2_0).is_err());
}

#[test]
fn another_release_line_is_refused_before_any_layout_check() {
    let now = <super::FfiDialectInfoRef as StableAbi>::LAYOUT;
    let v0_3 = ApiVersion {
        major: 0,
        minor: 3,
        patch: 0,
    };
    let err = verdict(now, V0_2_0, now, v0_3).unwrap_err();
    assert!(err.contains("different release lines"), "{err}");
}

#[test]
fn plugin_kinds_grow_by_appending_variants() {
    let now = <super::FfiPluginInstanceNe as StableAbi>::LAYOUT;
    let later = <later_instance::FfiPluginInstance_NE as StableAbi>::LAYOUT;
    assert_grows(now, later);
}

#[test]
fn dialect_methods_grow_by_appending_to_the_trait() {
    let now = <super::FfiDialectBox as StableAbi>::LAYOUT;
    let later = <later_dialect::FfiDialectBox as StableAbi>::LAYOUT;
    assert_grows(now, later);
}

#[test]
fn an_unknown_plugin_kind_is_an_error_not_undefined_behaviour() {
    use abi_stable::sabi_trait::TD_Opaque;
    struct NoFeature;
    impl super::FfiFeature for NoFeature {
        fn initialize(
            &self,
            _config_json: abi_stable::std_types::RString,
        ) -> super::FfiResult<abi_stable::std_types::RVec<super::FfiCallbackSpec>> {
            abi_stable::std_types::ROk(abi_stable::std_types::RVec::new())
        }
        fn initialize_with_host(
            &self,
            _host: super::FfiHostBox,
            config_json: abi_stable::std_types::RString,
        ) -> super::FfiResult<abi_stable::std_types::RVec<super::FfiCallbackSpec>> {
            self.initialize(config_json)
        }
    }
    let feature: FfiFeatureBox = super::FfiFeature_TO::from_value(NoFeature, TD_Opaque);
    let newer = later_instance::FfiPluginInstance_NE::new(
        later_instance::FfiPluginInstance::Serializer(feature),
    );
    // What an older host sees: the same bytes, read as its own non-exhaustive enum.
    // SAFETY: the two NonExhaustive types have the same storage, size and alignment (the
    // layout check above proves the layouts compatible); this is the reinterpretation the
    // loader performs across the boundary.
    let older: super::FfiPluginInstanceNe = unsafe { std::mem::transmute(newer) };
    let err = older
        .into_enum()
        .err()
        .map(|e| e.non_exhaustive.get_discriminant());
    assert_eq!(err, Some(2));
}

/// `FfiFeature` as 0.2.1 defined it: `initialize` only, before 0.2.2 appended
/// `initialize_with_host`.
mod earlier_feature {
    use abi_stable::{
        sabi_trait,
        std_types::{RBox, RString, RVec},
    };

    use super::super::{FfiCallbackSpec, FfiResult};

    #[sabi_trait]
    pub trait FfiFeature: Send + Sync {
        #[sabi(last_prefix_field)]
        fn initialize(&self, config_json: RString) -> FfiResult<RVec<FfiCallbackSpec>>;
    }

    pub type FfiFeatureBox = FfiFeature_TO<'static, RBox<()>>;
}

#[test]
fn a_feature_built_before_host_services_loads_beside_one_built_after() {
    let earlier = <earlier_feature::FfiFeatureBox as StableAbi>::LAYOUT;
    let now = <FfiFeatureBox as StableAbi>::LAYOUT;
    assert_grows(earlier, now);
}

/// A module `$name` holding `FfiHost` as an earlier release defined it: the 0.2.2
/// methods, then the ones later releases appended up to that one.
macro_rules! earlier_ffi_host {
    ($(#[$doc:meta])* $name:ident { $($appended:tt)* }) => {
        $(#[$doc])*
        mod $name {
            #[allow(unused_imports)]
            use abi_stable::{
                sabi_trait,
                std_types::{RBox, RString, RVec},
            };

            #[allow(unused_imports)]
            use super::super::{
                FfiHostPool, FfiObserverBox, FfiPluginInfo, FfiResult, FfiRewriterBox,
            };
            use crate::dialect::PoolOptions;

            #[sabi_trait]
            pub trait FfiHost: Send + Sync {
                fn open_pool(&self, url: RString, options: PoolOptions) -> FfiResult<FfiHostPool>;
                fn pools(&self) -> RVec<FfiHostPool>;
                fn plugins(&self) -> RVec<FfiPluginInfo>;
                #[sabi(last_prefix_field)]
                fn add_observer(&self, observer: FfiObserverBox);
                $($appended)*
            }

            pub type FfiHostBox = FfiHost_TO<'static, RBox<()>>;
        }
    };
}

earlier_ffi_host!(
    /// `FfiHost` as 0.2.2 defined it, before 0.2.3 appended `add_rewriter`.
    earlier_host {}
);

#[test]
fn a_feature_built_before_rewriters_loads_beside_one_built_after() {
    let earlier = <earlier_host::FfiHostBox as StableAbi>::LAYOUT;
    let now = <FfiHostBox as StableAbi>::LAYOUT;
    assert_grows(earlier, now);
}

earlier_ffi_host!(
    /// `FfiHost` as 0.2.3 defined it, before 0.2.4 appended `add_serializer`.
    host_0_2_3 {
        fn add_rewriter(&self, rewriter: FfiRewriterBox);
    }
);

#[test]
fn a_feature_built_before_serializers_loads_beside_one_built_after() {
    let earlier = <host_0_2_3::FfiHostBox as StableAbi>::LAYOUT;
    let now = <FfiHostBox as StableAbi>::LAYOUT;
    assert_grows(earlier, now);
}

/// `Ddl` as 0.2.3 defined it, before 0.2.4 appended `RenameTable` and `RenameIndex`.
mod earlier_ddl {
    use crate::{
        migrate::ForeignKeySchema,
        schema::{FieldSchema, IndexSchema, ModelSchema},
        statement::TableRef,
        types::{List, Text},
    };
    use abi_stable::StableAbi;

    #[repr(C, u8)]
    #[derive(StableAbi, Debug, Clone, PartialEq)]
    #[sabi(kind(WithNonExhaustive(size = [u64; 64], traits(Debug, Clone, PartialEq))))]
    pub enum Ddl {
        CreateTable {
            table: TableRef,
            schema: ModelSchema,
        },
        AddColumn {
            table: TableRef,
            field: FieldSchema,
        },
        AlterColumn {
            table: TableRef,
            field: FieldSchema,
        },
        DropColumn {
            table: TableRef,
            column: Text,
        },
        CreateIndex {
            table: TableRef,
            index: IndexSchema,
        },
        DropIndex {
            table: TableRef,
            name: Text,
        },
        DropTable {
            table: TableRef,
            if_exists: bool,
        },
        RenameColumn {
            table: TableRef,
            from: Text,
            to: Text,
        },
        CreateTableWithForeignKeys {
            table: TableRef,
            schema: ModelSchema,
            foreign_keys: List<ForeignKeySchema>,
        },
        AddForeignKey {
            table: TableRef,
            foreign_key: ForeignKeySchema,
        },
        DropConstraint {
            table: TableRef,
            name: Text,
        },
    }
}

#[test]
fn ddl_operations_grow_by_appending_variants() {
    let earlier = <earlier_ddl::Ddl_NE as StableAbi>::LAYOUT;
    let now = <super::FfiDdl as StableAbi>::LAYOUT;
    assert_grows(earlier, now);
}

#[test]
fn a_plugin_built_before_rename_table_sees_an_unknown_operation() {
    use crate::{migrate::Ddl, statement::TableRef};
    let newer = super::FfiDdl::new(Ddl::RenameTable {
        table: TableRef::new("users"),
        to: "user_infos".into(),
    });
    // SAFETY: both are abi_stable non-exhaustive enums of the same storage, size and
    // alignment (the layout check above proves them compatible); this is how an older
    // plugin reads the operation it receives.
    let older: earlier_ddl::Ddl_NE = unsafe { std::mem::transmute(newer) };
    let unknown = older
        .as_enum()
        .err()
        .map(|e| e.non_exhaustive.get_discriminant());
    assert_eq!(unknown, Some(11));
}
