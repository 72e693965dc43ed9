//! The analysed struct: its table, its fields with their settings resolved, and its
//! indexes grouped across fields. Checks that span fields (one soft-delete field, a
//! `soft_delete_at` that names a field, composite indexes that agree) run here.

use std::collections::BTreeMap;

use syn::{ext::IdentExt, spanned::Spanned, Data, DeriveInput, Fields, Ident, Type};

use crate::{
    attr::{ContainerAttrs, Errors, FieldAttrs, IndexAttr, Setting},
    inflect, naming,
};

/// What a field is in the schema.
pub(crate) enum FieldKind {
    /// One column.
    Column {
        /// The column name.
        column: String,
    },
    /// The fields of an `Embedded` type, flattened with a column prefix.
    Embedded { prefix: String },
    /// Not a column (`ignore`): only defaulted when a row is decoded.
    Ignored,
    /// A relation to another model: no column; reached through `Model::relations`.
    Relation {
        /// How the field holds the related value(s).
        shape: Shape,
        /// The related model type.
        target: Box<Type>,
    },
}

/// How a relation field holds its related model(s), read from the field's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `Vec<T>`: has-many or many-to-many.
    Many,
    /// `Option<T>`.
    Optional,
    /// `Option<Box<T>>` (self-references).
    OptionalBox,
    /// `Box<T>`.
    Boxed,
    /// `T`.
    Bare,
}

pub(crate) struct FieldDef {
    pub ident: Ident,
    /// The Rust name without `r#`.
    pub name: String,
    pub ty: Type,
    pub attrs: FieldAttrs,
    pub kind: FieldKind,
    /// The column receiving the deletion time of a flag (`soft_delete_at`).
    pub soft_delete_at_column: Option<String>,
    /// The struct's name (what a serializer's errors call the model).
    pub owner: String,
}

/// One member of an index.
pub(crate) struct IndexMember {
    pub column: String,
    pub sort: String,
    pub length: u32,
    pub priority: i64,
}

/// How an index's name is formed.
pub(crate) enum IndexName {
    /// Written by the user.
    Explicit(String),
    /// `idx_<table>_<suffix>`, shortened with a hash when too long (at run time).
    Generated(String),
}

pub(crate) struct IndexDef {
    pub name: IndexName,
    pub unique: bool,
    pub members: Vec<IndexMember>,
    pub kind: String,
    pub condition: String,
    pub comment: String,
}

pub(crate) struct ModelDef {
    pub ident: Ident,
    pub table: String,
    pub hooks: bool,
    pub fields: Vec<FieldDef>,
    pub indexes: Vec<IndexDef>,
}

impl ModelDef {
    pub fn analyse(input: &DeriveInput) -> syn::Result<ModelDef> {
        let named =
            match &input.data {
                Data::Struct(s) => match &s.fields {
                    Fields::Named(n) => n,
                    Fields::Unnamed(_) => return Err(syn::Error::new(
                        s.fields.span(),
                        "#[derive(Model)] needs named fields (each field is a column named after \
                         it); tuple structs are not supported",
                    )),
                    Fields::Unit => return Err(syn::Error::new(
                        input.ident.span(),
                        "#[derive(Model)] needs a struct with named fields; a unit struct has no \
                         columns",
                    )),
                },
                Data::Enum(e) => {
                    return Err(syn::Error::new(
                        e.enum_token.span,
                        "#[derive(Model)] works on structs with named fields, not enums (store an \
                     enum in a field through `FieldType`)",
                    ))
                }
                Data::Union(u) => {
                    return Err(syn::Error::new(
                        u.union_token.span,
                        "#[derive(Model)] works on structs with named fields, not unions",
                    ))
                }
            };
        if !input.generics.params.is_empty() {
            return Err(syn::Error::new(
                input.generics.span(),
                "#[derive(Model)] does not support generic structs: a model's schema is built \
                 once per type",
            ));
        }
        let mut errors = Errors::default();
        let container = ContainerAttrs::parse(&input.attrs, &mut errors);
        let struct_name = input.ident.unraw().to_string();
        let table = match &container.table {
            Some(t) => t.value.value(),
            None => inflect::plural(&naming::snake_case(&struct_name)),
        };
        let mut fields = Vec::with_capacity(named.named.len());
        for f in &named.named {
            let Some(ident) = f.ident.clone() else {
                continue;
            };
            let name = ident.unraw().to_string();
            let attrs = FieldAttrs::parse(&f.attrs, &mut errors);
            // A serializer field is a column whatever its type (`Vec<Role>` included).
            let relation = if attrs.ignore.is_some() || attrs.serializer.is_some() {
                None
            } else {
                relation_shape(&name, &f.ty, &attrs, &named.named, &mut errors)
            };
            let kind = if attrs.ignore.is_some() {
                FieldKind::Ignored
            } else if let Some((shape, target)) = relation {
                FieldKind::Relation {
                    shape,
                    target: Box::new(target),
                }
            } else if attrs.embedded.is_some() || attrs.embedded_prefix.is_some() {
                FieldKind::Embedded {
                    prefix: attrs
                        .embedded_prefix
                        .as_ref()
                        .map(|p| p.value.clone())
                        .unwrap_or_default(),
                }
            } else {
                FieldKind::Column {
                    column: attrs
                        .column
                        .as_ref()
                        .map(|c| c.value.clone())
                        .unwrap_or_else(|| naming::snake_case(&name)),
                }
            };
            fields.push(FieldDef {
                ident,
                name,
                ty: f.ty.clone(),
                attrs,
                kind,
                soft_delete_at_column: None,
                owner: struct_name.clone(),
            });
        }
        check_columns(&fields, &mut errors);
        resolve_soft_delete(&mut fields, &mut errors);
        let indexes = group_indexes(&fields, &mut errors);
        errors.finish()?;
        Ok(ModelDef {
            ident: input.ident.clone(),
            table,
            hooks: container.hooks.is_some(),
            fields,
            indexes,
        })
    }
}

impl FieldDef {
    pub fn column(&self) -> Option<&str> {
        match &self.kind {
            FieldKind::Column { column } => Some(column),
            _ => None,
        }
    }

    /// A column stored through a serializer: its name, and whether the field is an
    /// `Option` (NULL for `None`) with the type the serializer sees.
    pub fn serialized(&self) -> Option<Serialized<'_>> {
        let name = &self.attrs.serializer.as_ref()?.value;
        self.column()?;
        let (optional, inner) = match unwrap_type(&self.ty, "Option") {
            Some(inner) => (true, inner),
            None => (false, &self.ty),
        };
        Some(Serialized {
            name,
            optional,
            inner,
        })
    }
}

/// See [`FieldDef::serialized`].
pub(crate) struct Serialized<'a> {
    pub name: &'a str,
    pub optional: bool,
    pub inner: &'a Type,
}

impl Serialized<'_> {
    /// `&FieldSpec { … }` for the generated calls.
    pub fn spec(&self, f: &FieldDef) -> proc_macro2::TokenStream {
        let (model, field, name) = (&f.owner, &f.name, self.name);
        quote::quote!(&::plugorm::serializer::FieldSpec {
            model: #model,
            field: #field,
            serializer: #name,
        })
    }

    /// `encode…::<T>(&FieldSpec { … }, &self.field)`: the field's column value.
    pub fn encode_field(&self, f: &FieldDef) -> proc_macro2::TokenStream {
        let (spec, encode, ident) = (self.spec(f), self.encoder(), &f.ident);
        quote::quote!(#encode(#spec, &self.#ident))
    }

    /// The encoding function (`encode::<T>` or `encode_option::<T>`).
    pub fn encoder(&self) -> proc_macro2::TokenStream {
        let inner = self.inner;
        if self.optional {
            quote::quote!(::plugorm::serializer::encode_option::<#inner>)
        } else {
            quote::quote!(::plugorm::serializer::encode::<#inner>)
        }
    }

    /// Whether the type the serializer sees is a primitive integer (unixtime then stores
    /// it as a timestamp, GORM's direction).
    pub fn inner_is_integer(&self) -> bool {
        const INTEGERS: &[&str] = &[
            "i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64", "usize",
        ];
        matches!(self.inner, Type::Path(p) if p.path.get_ident().is_some_and(|i| INTEGERS.contains(&i.to_string().as_str())))
    }
}

/// The single generic argument of `ty` when its last path segment is `wrapper`.
fn unwrap_type<'t>(ty: &'t Type, wrapper: &str) -> Option<&'t Type> {
    let Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// Types that are columns by nature: a field of one of these is never guessed to be a
/// relation.
const SCALARS: &[&str] = &[
    "bool",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "f32",
    "f64",
    "String",
    "str",
    "char",
    "NaiveDateTime",
    "NaiveDate",
    "NaiveTime",
    "DateTime",
    "Uuid",
    "Decimal",
    "Value",
    "Vec",
];

fn is_scalar(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .is_none_or(|s| SCALARS.contains(&s.ident.to_string().as_str())),
        _ => true,
    }
}

/// The shape and target of a field's relation, or `None` for a column. A field is a
/// relation when it says so (`#[orm(belongs_to)]`, `foreign_key`, …), when it is a
/// `Vec` of something other than `u8` (no column type is a `Vec<T>`), or — GORM's
/// belongs-to convention — when it holds a non-scalar type and the struct has a
/// `<field>_id` sibling.
fn relation_shape(
    name: &str,
    ty: &Type,
    attrs: &FieldAttrs,
    all: &syn::punctuated::Punctuated<syn::Field, syn::Token![,]>,
    errors: &mut Errors,
) -> Option<(Shape, Type)> {
    let declared = attrs.relation.any();
    let shaped = if let Some(inner) = unwrap_type(ty, "Vec") {
        let bytes = matches!(inner, Type::Path(p) if p.path.is_ident("u8"));
        (!bytes).then(|| (Shape::Many, inner.clone()))
    } else if let Some(inner) = unwrap_type(ty, "Option") {
        match unwrap_type(inner, "Box") {
            Some(boxed) => Some((Shape::OptionalBox, boxed.clone())),
            None => Some((Shape::Optional, inner.clone())),
        }
    } else if let Some(inner) = unwrap_type(ty, "Box") {
        Some((Shape::Boxed, inner.clone()))
    } else {
        Some((Shape::Bare, ty.clone()))
    };
    if declared {
        if shaped.is_none() {
            errors.error(
                ty.span(),
                "a relation field holds a model: `T`, `Option<T>`, `Option<Box<T>>`,                  `Box<T>` or `Vec<T>`",
            );
        }
        return shaped;
    }
    let (shape, target) = shaped?;
    if shape == Shape::Many {
        return Some((shape, target));
    }
    if is_scalar(&target) {
        return None;
    }
    let sibling = format!("{name}_id");
    let has_sibling = all.iter().any(|f| {
        f.ident
            .as_ref()
            .is_some_and(|i| i.unraw() == sibling.as_str())
    });
    has_sibling.then_some((shape, target))
}

/// Two fields may not share a column.
fn check_columns(fields: &[FieldDef], errors: &mut Errors) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for f in fields {
        if let Some(column) = f.column() {
            if let Some(first) = seen.insert(column, &f.name) {
                let span = f.attrs.column.as_ref().map_or(f.ident.span(), |c| c.span);
                errors.error(
                    span,
                    format!("column `{column}` is already used by field `{first}`"),
                );
            }
        }
    }
}

/// One soft-delete field at most; `soft_delete_at` names another column field.
fn resolve_soft_delete(fields: &mut [FieldDef], errors: &mut Errors) {
    let mut first: Option<String> = None;
    for f in fields.iter() {
        if let Some(sd) = &f.attrs.soft_delete {
            match &first {
                Some(name) => errors.error(
                    sd.span,
                    format!("a model has one soft-delete field, and `{name}` already is one"),
                ),
                None => first = Some(f.name.clone()),
            }
        }
    }
    let columns: Vec<(String, Option<String>)> = fields
        .iter()
        .map(|f| (f.name.clone(), f.column().map(str::to_string)))
        .collect();
    for f in fields.iter_mut() {
        let Some(at) = f.attrs.soft_delete_at.clone() else {
            continue;
        };
        let wanted = at.value();
        match columns.iter().find(|(name, _)| *name == wanted) {
            Some((_, Some(column))) if wanted != f.name => {
                f.soft_delete_at_column = Some(column.clone());
            }
            Some((_, Some(_))) => errors.error(
                at.span(),
                "`soft_delete_at` names the field that receives the deletion time: another \
                 field than the flag itself",
            ),
            Some((_, None)) => errors.error(
                at.span(),
                format!("`soft_delete_at`: field `{wanted}` is not a column (ignored or embedded)"),
            ),
            None => errors.error(
                at.span(),
                format!("`soft_delete_at`: this struct has no field `{wanted}`"),
            ),
        }
    }
}

/// The shared settings of an index being assembled from several fields.
struct IndexGroup {
    def: IndexDef,
    kind: Option<Setting<String>>,
    condition: Option<Setting<String>>,
    comment: Option<Setting<String>>,
    /// Declaration order of members, for a stable sort by priority.
    members: Vec<(usize, IndexMember)>,
}

/// A setting shared by every member of a composite index: the same value (or absent).
fn merge_shared(
    slot: &mut Option<Setting<String>>,
    new: &Option<Setting<String>>,
    what: &str,
    index: &str,
    errors: &mut Errors,
) {
    let Some(new) = new else {
        return;
    };
    match slot {
        Some(old) if old.value != new.value => errors.error(
            new.span,
            format!(
                "index `{index}` already has {what} {:?}; the fields of one index must agree",
                old.value
            ),
        ),
        Some(_) => {}
        None => *slot = Some(new.clone()),
    }
}

/// Groups the fields' index settings into indexes (GORM: fields naming the same index
/// form one composite index; members sorted by priority, then declaration order).
fn group_indexes(fields: &[FieldDef], errors: &mut Errors) -> Vec<IndexDef> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, IndexGroup> = BTreeMap::new();
    let mut position = 0usize;
    for f in fields {
        let Some(column) = f.column() else {
            continue;
        };
        for ix in &f.attrs.indexes {
            position += 1;
            let key = ix.group_key(column);
            let label = index_label(ix, column);
            let member = IndexMember {
                column: column.to_string(),
                sort: ix.sort.clone(),
                length: ix.length,
                priority: ix.priority,
            };
            match groups.get_mut(&key) {
                Some(g) => {
                    if g.def.unique != ix.unique {
                        errors.error(
                            ix.span,
                            format!(
                                "index `{label}` is {} on another field: use `unique_index` on \
                                 every member or on none",
                                if g.def.unique { "unique" } else { "not unique" }
                            ),
                        );
                    }
                    if g.members.iter().any(|(_, m)| m.column == member.column) {
                        errors.error(
                            ix.span,
                            format!("column `{column}` is already in index `{label}`"),
                        );
                    }
                    merge_shared(&mut g.kind, &ix.kind, "the kind", &label, errors);
                    merge_shared(
                        &mut g.condition,
                        &ix.condition,
                        "the condition",
                        &label,
                        errors,
                    );
                    merge_shared(&mut g.comment, &ix.comment, "the comment", &label, errors);
                    g.members.push((position, member));
                }
                None => {
                    let name = match (&ix.name, &ix.composite) {
                        (Some(n), _) => IndexName::Explicit(n.value.clone()),
                        (None, Some(c)) => IndexName::Generated(c.value.clone()),
                        (None, None) => IndexName::Generated(column.to_string()),
                    };
                    order.push(key.clone());
                    groups.insert(
                        key,
                        IndexGroup {
                            def: IndexDef {
                                name,
                                unique: ix.unique,
                                members: Vec::new(),
                                kind: String::new(),
                                condition: String::new(),
                                comment: String::new(),
                            },
                            kind: ix.kind.clone(),
                            condition: ix.condition.clone(),
                            comment: ix.comment.clone(),
                            members: vec![(position, member)],
                        },
                    );
                }
            }
        }
    }
    order
        .into_iter()
        .filter_map(|key| groups.remove(&key))
        .map(|mut g| {
            g.members.sort_by_key(|(pos, m)| (m.priority, *pos));
            g.def.members = g.members.into_iter().map(|(_, m)| m).collect();
            g.def.kind = g.kind.map(|s| s.value).unwrap_or_default();
            g.def.condition = g.condition.map(|s| s.value).unwrap_or_default();
            g.def.comment = g.comment.map(|s| s.value).unwrap_or_default();
            g.def
        })
        .collect()
}

/// How an index is named in messages.
fn index_label(ix: &IndexAttr, column: &str) -> String {
    match (&ix.name, &ix.composite) {
        (Some(n), _) => n.value.clone(),
        (None, Some(c)) => format!("idx_<table>_{}", c.value),
        (None, None) => format!("idx_<table>_{column}"),
    }
}
