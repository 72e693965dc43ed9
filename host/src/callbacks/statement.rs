//! The callbacks placed before [`names::STATEMENT`]: run on each statement tree right
//! before it is rendered (see `db::statement_pass`), kept apart from the chains because
//! they are no step of one.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc, RwLock,
};

use plugorm_plugin_api::{statement::Statement, Callback, Processor};

#[cfg(doc)]
use super::names;

/// One processor's statement callbacks, in registration order.
pub(crate) type StatementSteps = Arc<Vec<(String, Arc<dyn Callback>)>>;

#[derive(Default)]
pub(crate) struct StatementCallbacks {
    /// False while none is registered: the pass costs one load then.
    any: AtomicBool,
    by_processor: RwLock<[StatementSteps; 6]>,
}

impl StatementCallbacks {
    pub(crate) fn add(&self, slot: usize, name: String, cb: Arc<dyn Callback>) {
        let mut lists = match self.by_processor.write() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut list = lists[slot].as_ref().clone();
        list.retain(|(n, _)| *n != name);
        list.push((name, cb));
        lists[slot] = Arc::new(list);
        self.any.store(true, Ordering::Release);
    }

    pub(crate) fn remove(&self, slot: usize, name: &str) -> bool {
        let mut lists = match self.by_processor.write() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        let before = lists[slot].len();
        let list: Vec<_> = lists[slot]
            .iter()
            .filter(|(n, _)| n != name)
            .cloned()
            .collect();
        let removed = list.len() != before;
        lists[slot] = Arc::new(list);
        removed
    }

    /// The callbacks of `slot`, or `None` when there are none anywhere.
    pub(crate) fn get(&self, slot: usize) -> Option<StatementSteps> {
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
        let lists = match self.by_processor.read() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        let list = &lists[slot];
        (!list.is_empty()).then(|| Arc::clone(list))
    }

    /// Whether any statement callback's name satisfies `test`.
    pub(crate) fn any_name(&self, test: impl Fn(&str) -> bool) -> bool {
        if !self.any.load(Ordering::Acquire) {
            return false;
        }
        let lists = match self.by_processor.read() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        lists.iter().any(|l| l.iter().any(|(n, _)| test(n)))
    }
}

/// The processor whose statement callbacks see `stmt`: by its kind; raw SQL by whether it
/// returns rows.
pub(crate) fn processor_of(stmt: &Statement, reads: bool) -> Processor {
    match stmt {
        Statement::Select(_) => Processor::Query,
        Statement::Insert(_) => Processor::Create,
        Statement::Update(_) => Processor::Update,
        Statement::Delete(_) => Processor::Delete,
        Statement::Raw(_) if reads => Processor::Row,
        Statement::Raw(_) => Processor::Raw,
    }
}
