//! The models of docs/golden-sql.md's migration texts (G125–G134), built by hand once for every
//! backend: GORM's golden models need exact field names and types no derive would pick.
//! Where GORM's Go types differ per driver, the field takes the type whose DDL every
//! dialect's golden text shows (zoned timestamps, an unsigned `Age`).
//!
//! ```
//! use plugorm::Model;
//! use plugorm_tests::golden_models::{Pet, UserV2};
//! assert_eq!(Pet::schema().table, "pets");
//! assert_eq!(UserV2::schema().fields.len(), 5);
//! ```

use plugorm::plugin_api::schema::{DataType, ModelSchema};

use crate::hand_schema::{auto_id, index, model, named};

/// G125's `Product`: `Code string gorm:"uniqueIndex;size:64"`, `Price uint`.
pub fn product_schema() -> ModelSchema {
    let mut code = named("Code", "code", DataType::String);
    code.size = 64;
    model(
        "Product",
        "products",
        vec![auto_id(), code, named("Price", "price", DataType::UInt)],
        vec![index("idx_products_code", true, &["code"])],
    )
}
crate::schema_model!(
    /// G125's product: [`product_schema`].
    pub Product,
    product_schema
);

/// G126's `Pet` (`gorm.Model` with Go's zoned `time.Time`, `UserID uint`, `Name string
/// gorm:"size:100;not null;check:name <> ''"`), without the relation (plugorm schemas
/// carry no foreign keys).
pub fn pet_schema() -> ModelSchema {
    let mut deleted_at = named("DeletedAt", "deleted_at", DataType::TimestampTz);
    deleted_at.nullable = true;
    let mut name = named("Name", "name", DataType::String);
    name.size = 100;
    name.not_null = true;
    name.check = Some("name <> ''".into()).into();
    model(
        "Pet",
        "pets",
        vec![
            auto_id(),
            named("CreatedAt", "created_at", DataType::TimestampTz),
            named("UpdatedAt", "updated_at", DataType::TimestampTz),
            deleted_at,
            named("UserID", "user_id", DataType::UInt),
            name,
        ],
        vec![index("idx_pets_deleted_at", false, &["deleted_at"])],
    )
}
crate::schema_model!(
    /// G126's pet: [`pet_schema`].
    pub Pet,
    pet_schema
);

/// `users`, first version.
pub fn user_v1_schema() -> ModelSchema {
    model(
        "User",
        "users",
        vec![auto_id(), named("Name", "name", DataType::String)],
        vec![],
    )
}
crate::schema_model!(
    /// `users`, first version: [`user_v1_schema`].
    pub UserV1,
    user_v1_schema
);

/// `users`, second version: G127's `Age uint`, a unique `Email`, an index on `age`, and a
/// field excluded from migration.
pub fn user_v2_schema() -> ModelSchema {
    let mut email = named("Email", "email", DataType::String);
    email.unique = true;
    let mut scratch = named("Scratch", "scratch", DataType::String);
    scratch.migrate = false;
    let mut user = user_v1_schema();
    user.fields.push(named("Age", "age", DataType::UInt));
    user.fields.push(email);
    user.fields.push(scratch);
    user.indexes.push(index("idx_users_age", false, &["age"]));
    user
}
crate::schema_model!(
    /// `users`, second version: [`user_v2_schema`].
    pub UserV2,
    user_v2_schema
);

/// G134: `Name3 string gorm:"index:,sort:desc,collate:utf8,type:btree,length:10,where:name3
/// != 'jinzhu'"` (index schemas carry no collation).
pub fn user_index_schema() -> ModelSchema {
    let mut idx = index("idx_user_indices_name3", false, &["name3"]);
    idx.columns[0].sort = "desc".into();
    idx.columns[0].length = 10;
    idx.kind = "btree".into();
    idx.condition = "name3 != 'jinzhu'".into();
    model(
        "UserIndex",
        "user_indices",
        vec![auto_id(), named("Name3", "name3", DataType::String)],
        vec![idx],
    )
}
crate::schema_model!(
    /// G134's indexed user: [`user_index_schema`].
    pub UserIndex,
    user_index_schema
);
