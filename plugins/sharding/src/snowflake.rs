//! Snowflake ids (GORM's default generator): 41 bits of milliseconds since 2010-11-04
//! (Twitter's epoch, as GORM's), 10 bits of node — the shard's index — and 12 bits of
//! sequence. Ids of one node are unique and increasing; the node bits tell a key-less
//! statement `id = …` its shard.

use std::{
    sync::Mutex,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

const EPOCH_MS: u64 = 1_288_834_974_657;
const NODE_BITS: u32 = 10;
const SEQUENCE_BITS: u32 = 12;
/// The most nodes (shards) a snowflake group can have.
pub(crate) const MAX_NODES: u32 = 1 << NODE_BITS;
const SEQUENCE_MASK: u64 = (1 << SEQUENCE_BITS) - 1;

/// The generator of one node.
pub(crate) struct Snowflake {
    node: u64,
    /// The last millisecond used and the sequence within it.
    state: Mutex<(u64, u64)>,
}

impl Snowflake {
    pub(crate) fn new(node: u32) -> Snowflake {
        Snowflake {
            node: u64::from(node % MAX_NODES),
            state: Mutex::new((0, 0)),
        }
    }

    /// The next id of this node. When the 4,096 ids of one millisecond are used up it
    /// sleeps into the next millisecond (it never spins); a clock that steps back keeps
    /// counting from the last millisecond used, so ids stay unique.
    pub(crate) fn next_id(&self) -> i64 {
        let mut state = match self.state.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (last, seq) = *state;
        let mut now = now_ms().max(last);
        let seq = if now == last {
            let next = (seq + 1) & SEQUENCE_MASK;
            if next == 0 {
                std::thread::sleep(Duration::from_millis(1));
                now = now_ms().max(last + 1);
            }
            next
        } else {
            0
        };
        *state = (now, seq);
        let id =
            ((now - EPOCH_MS) << (NODE_BITS + SEQUENCE_BITS)) | (self.node << SEQUENCE_BITS) | seq;
        id as i64
    }
}

/// The node (shard index) an id was generated on.
pub(crate) fn node_of(id: i64) -> u32 {
    ((id as u64 >> SEQUENCE_BITS) & u64::from(MAX_NODES - 1)) as u32
}

fn now_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64;
    since.max(EPOCH_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_increasing_and_carry_their_node() {
        let g = Snowflake::new(5);
        let ids: Vec<i64> = (0..10_000).map(|_| g.next_id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids.iter().all(|&id| node_of(id) == 5 && id > 0));
    }
}
