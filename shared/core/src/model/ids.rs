//! Opaque, prefixed, time-sortable identifiers (`rep_01J…`). The body is a ULID:
//! 48 bits of milliseconds then 80 random bits, Crockford base32, so ids sort by
//! creation time and a store can page by id.

use rand::RngCore;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Type prefixes of Ferry's ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Report,
    Export,
    Schedule,
    Connection,
    Key,
    Upload,
    Token,
    Run,
    Delivery,
    /// A destination of a schedule.
    Destination,
}

impl IdKind {
    pub fn prefix(self) -> &'static str {
        match self {
            IdKind::Report => "rep",
            IdKind::Export => "exp",
            IdKind::Schedule => "sch",
            IdKind::Connection => "con",
            IdKind::Key => "key",
            IdKind::Upload => "upl",
            IdKind::Token => "tok",
            IdKind::Run => "run",
            IdKind::Delivery => "dlv",
            IdKind::Destination => "dst",
        }
    }
}

/// Builds `prefix_` + ULID from a millisecond timestamp and 80 random bits.
pub fn ulid_id(kind: IdKind, unix_ms: u64, random: u128) -> String {
    let value: u128 = ((unix_ms as u128 & 0xFFFF_FFFF_FFFF) << 80) | (random & ((1u128 << 80) - 1));
    let mut body = [0u8; 26];
    for (i, slot) in body.iter_mut().enumerate() {
        let shift = 125 - 5 * i as i32;
        let bits = if shift >= 0 { (value >> shift) & 0x1F } else { (value << (-shift)) & 0x1F };
        *slot = CROCKFORD[bits as usize];
    }
    format!("{}_{}", kind.prefix(), std::str::from_utf8(&body).expect("ascii"))
}

/// The id of a destination stored before destinations had ids: derived
/// from its schedule and the index it had then, so every reader (and every
/// delivery made to it before) names it alike until the schedule is saved
/// with it, and a data dir or table needs no rewrite.
pub fn legacy_destination_id(schedule_id: &str, index: u32) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("ferry destination {schedule_id} {index}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    let value = u128::from_be_bytes(bytes);
    ulid_id(IdKind::Destination, (value >> 80) as u64, value)
}

/// 80 random bits from the OS generator.
pub fn random_80() -> u128 {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    u128::from_le_bytes(bytes) & ((1u128 << 80) - 1)
}

/// An unguessable token (256 bits, hex) for secrets such as API keys and link tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// True when `id` has the kind's prefix and a 26-character Crockford body.
pub fn is_valid(kind: IdKind, id: &str) -> bool {
    match id.split_once('_') {
        Some((p, body)) => p == kind.prefix() && body.len() == 26 && body.bytes().all(|b| CROCKFORD.contains(&b)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_carry_their_prefix() {
        let a = ulid_id(IdKind::Export, 1_700_000_000_000, u128::MAX);
        let b = ulid_id(IdKind::Export, 1_700_000_000_001, 0);
        assert!(a < b);
        assert!(a.starts_with("exp_"));
        assert!(is_valid(IdKind::Export, &a));
        assert!(!is_valid(IdKind::Report, &a));
    }

    #[test]
    fn a_legacy_destination_id_is_a_valid_id_fixed_by_its_schedule_and_index() {
        let a = legacy_destination_id("sch_01JAAAAAAAAAAAAAAAAAAAAAAA", 0);
        assert!(is_valid(IdKind::Destination, &a), "{a}");
        assert_eq!(a, legacy_destination_id("sch_01JAAAAAAAAAAAAAAAAAAAAAAA", 0));
        assert_ne!(a, legacy_destination_id("sch_01JAAAAAAAAAAAAAAAAAAAAAAA", 1));
        assert_ne!(a, legacy_destination_id("sch_01JBBBBBBBBBBBBBBBBBBBBBBB", 0));
    }
}
