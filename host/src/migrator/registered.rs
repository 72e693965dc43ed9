//! Models registered with [`register_model!`](crate::register_model): what AutoMigrate's
//! plan covers when no code names the models, as in the `plugorm migrate plan` and
//! `generate` commands of an application's own binary (`plugorm_cli::main()`).

use super::{set::ModelList, MigrationReport, Migrator};
use crate::{Model, Result};

/// A model registered for the migration commands. Register one with
/// [`register_model!`](crate::register_model).
pub struct RegisteredModel {
    add: fn(&mut ModelList) -> Result<()>,
}

fn add_model<T: Model>(list: &mut ModelList) -> Result<()> {
    list.add::<T>()
}

impl RegisteredModel {
    /// The registration of model `T`.
    pub const fn of<T: Model>() -> RegisteredModel {
        RegisteredModel {
            add: add_model::<T>,
        }
    }
}

inventory::collect!(RegisteredModel);

/// Registers models for the migration commands (`plugorm migrate plan|generate` run from
/// the application's binary): every model named in any crate linked into it.
///
/// ```
/// use plugorm::Model;
/// #[derive(Model, Default, Clone)]
/// struct Note { id: i64, title: String }
/// plugorm::register_model!(Note);
/// ```
#[macro_export]
macro_rules! register_model {
    ($($model:ty),+ $(,)?) => {
        $($crate::migrations::inventory::submit! {
            $crate::migrator::RegisteredModel::of::<$model>()
        })+
    };
}

/// Every registered model, in no particular order (AutoMigrate orders them itself).
pub(super) fn registered() -> Result<ModelList> {
    let mut list = ModelList::default();
    for m in inventory::iter::<RegisteredModel> {
        (m.add)(&mut list)?;
    }
    Ok(list)
}

impl Migrator {
    /// AutoMigrate's plan for every model registered with
    /// [`register_model!`](crate::register_model) (see [`Migrator::auto_migrate_plan`]);
    /// empty when none is.
    ///
    /// ```no_run
    /// # async fn run(db: plugorm::Db) -> plugorm::Result<()> {
    /// for report in db.migrator().registered_models_plan().await? {
    ///     println!("{}: {} statement(s)", report.table, report.statements.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn registered_models_plan(&self) -> Result<Vec<MigrationReport>> {
        let list = registered()?;
        self.planning().migrate_models(list.into_models()).await
    }

    /// True when some model is registered with [`register_model!`](crate::register_model).
    ///
    /// ```
    /// let _ = plugorm::migrator::Migrator::has_registered_models();
    /// ```
    pub fn has_registered_models() -> bool {
        inventory::iter::<RegisteredModel>
            .into_iter()
            .next()
            .is_some()
    }
}
