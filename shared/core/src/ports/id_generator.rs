//! The id port: prefixed, time-sortable ids.

use std::sync::Arc;

use crate::model::ids::{random_80, ulid_id, IdKind};
use crate::ports::clock::Clock;

pub trait IdGenerator: Send + Sync {
    /// A new id of the given kind, sorting after every id made before it by this generator.
    fn new_id(&self, kind: IdKind) -> String;
}

/// ULIDs from the clock port and the OS random generator.
pub struct UlidGenerator {
    clock: Arc<dyn Clock>,
    last: std::sync::Mutex<(u64, u128)>,
}

impl UlidGenerator {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        UlidGenerator { clock, last: std::sync::Mutex::new((0, 0)) }
    }
}

impl IdGenerator for UlidGenerator {
    fn new_id(&self, kind: IdKind) -> String {
        let ms = self.clock.now().as_millisecond().max(0) as u64;
        let mut last = self.last.lock().expect("id lock");
        // Within one millisecond (or under a clock that stands still) keep ids
        // increasing, as the ULID spec's monotonic mode does.
        let (ms, random) = if ms <= last.0 { (last.0, last.1 + 1) } else { (ms, random_80()) };
        *last = (ms, random);
        ulid_id(kind, ms, random)
    }
}
