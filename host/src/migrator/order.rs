//! GORM's `ReorderModels`: tables in the order given, except that a table comes after the
//! tables its FOREIGN KEY constraints reference (when they are migrated too), so the
//! referenced tables exist when the constraint is created. A self-reference is no
//! dependency; a cycle is broken where it closes (its last constraint is added after the
//! tables, see `set.rs`).

use std::collections::HashMap;

/// The positions of `tables` in migration order; `depends[i]` lists the positions table `i`
/// references.
pub(crate) fn reorder(count: usize, depends: &HashMap<usize, Vec<usize>>) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Visiting,
        Done,
    }
    fn visit(
        i: usize,
        depends: &HashMap<usize, Vec<usize>>,
        marks: &mut [Mark],
        out: &mut Vec<usize>,
    ) {
        if marks[i] != Mark::New {
            return;
        }
        marks[i] = Mark::Visiting;
        for &d in depends.get(&i).into_iter().flatten() {
            if d != i && d < marks.len() {
                visit(d, depends, marks, out);
            }
        }
        marks[i] = Mark::Done;
        out.push(i);
    }
    let mut marks = vec![Mark::New; count];
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        visit(i, depends, &mut marks, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referenced_tables_come_first_and_cycles_end() {
        // 0 pets → 1 users → 2 companies; 3 stands alone.
        let deps = HashMap::from([(0, vec![1]), (1, vec![2, 1])]);
        assert_eq!(reorder(4, &deps), [2, 1, 0, 3]);
        let cycle = HashMap::from([(0, vec![1]), (1, vec![0])]);
        assert_eq!(reorder(2, &cycle), [1, 0]);
        assert_eq!(reorder(3, &HashMap::new()), [0, 1, 2]);
    }
}
