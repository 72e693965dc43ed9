//! FirstOrInit / FirstOrCreate with attrs and assign.

use plugorm_plugin_api::Value;

use super::Query;
use crate::{model::set_value, Error, Model, Result};

impl<T: Model> Query<T> {
    /// Values given to the record when none is found (GORM's `Attrs`).
    pub fn attrs(mut self, values: &[(&str, Value)]) -> Result<Self> {
        for (k, v) in values {
            let i = self.field_index(k)?;
            self.extras.attrs.push((i, v.clone()));
        }
        Ok(self)
    }

    /// Values given to the record whether found or not (GORM's `Assign`); with
    /// `first_or_create` a found record is updated with them.
    pub fn assign(mut self, values: &[(&str, Value)]) -> Result<Self> {
        for (k, v) in values {
            let i = self.field_index(k)?;
            self.extras.assigns.push((i, v.clone()));
        }
        Ok(self)
    }

    fn field_index(&self, name: &str) -> Result<usize> {
        T::schema()
            .field_index(name)
            .ok_or_else(|| crate::model::unknown_field::<T>(name))
    }

    /// The first matching record, or a new one (not saved) built from the equality
    /// conditions of `filter_map` / `filter_struct`, then `attrs`; `assign` applies in
    /// both cases.
    pub async fn first_or_init(&self) -> Result<T> {
        match self.first().await {
            Ok(mut found) => {
                for (i, v) in &self.extras.assigns {
                    set_value(&mut found, *i, v)?;
                }
                Ok(found)
            }
            Err(Error::RecordNotFound) => self.new_record(),
            Err(e) => Err(e),
        }
    }

    fn new_record(&self) -> Result<T> {
        let mut item = T::new_default();
        for (i, v) in self
            .extras
            .equalities
            .iter()
            .chain(&self.extras.attrs)
            .chain(&self.extras.assigns)
        {
            set_value(&mut item, *i, v)?;
        }
        Ok(item)
    }

    /// The first matching record, or a new one created from the conditions, `attrs` and
    /// `assign`; a found record is updated with `assign` (when given).
    pub async fn first_or_create(&self) -> Result<T> {
        match self.first().await {
            Ok(mut found) => {
                if !self.extras.assigns.is_empty() {
                    for (i, v) in &self.extras.assigns {
                        set_value(&mut found, *i, v)?;
                    }
                    let names: Vec<&str> = self
                        .extras
                        .assigns
                        .iter()
                        .map(|(i, _)| T::schema().fields[*i].name.as_str())
                        .collect();
                    self.db.record(&mut found).select(&names).updates().await?;
                }
                Ok(found)
            }
            Err(Error::RecordNotFound) => {
                let mut item = self.new_record()?;
                self.db.create(&mut item).await?;
                Ok(item)
            }
            Err(e) => Err(e),
        }
    }
}
