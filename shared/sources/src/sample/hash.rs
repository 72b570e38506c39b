//! Stateless randomness: splitmix64 finalizers over `(seed, row, field)`. No
//! generator state runs from row to row, so row `i` never depends on row `i-1`.

/// The splitmix64 finalizer: a bijective, well-mixed 64-bit hash.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed, mixed once per reader so rows of nearby seeds differ everywhere.
#[inline]
pub fn seed_key(seed: u64) -> u64 {
    mix(seed ^ 0x5EED_5EED_5EED_5EED)
}

/// The hash of one row.
#[inline]
pub fn row_hash(seed_key: u64, row: u64) -> u64 {
    mix(seed_key ^ row.wrapping_mul(0xD6E8_FEB8_6659_FD93))
}

/// The hash of one cell: each field draws from its own hash, so a report
/// with fewer columns sees the same values in the columns it has.
#[inline]
pub fn cell_hash(row_hash: u64, salt: u64) -> u64 {
    mix(row_hash ^ salt.wrapping_mul(0xA076_1D64_78BD_642F))
}

/// Successive small draws from one 64-bit hash.
#[derive(Debug, Clone)]
pub struct Draws(u64);

impl Draws {
    pub fn new(h: u64) -> Self {
        Draws(h)
    }

    /// A number in `0..n` (n ≥ 1); uses up about log2(n) bits.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        let r = self.0 % n;
        self.0 /= n;
        r
    }

    /// True with probability `percent`/100.
    #[inline]
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One item of a list.
    #[inline]
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_different_seeds_hash_differently() {
        let a = seed_key(1);
        let b = seed_key(2);
        let same = (0..10_000).filter(|&i| row_hash(a, i) == row_hash(b, i)).count();
        assert_eq!(same, 0);
    }

    #[test]
    fn draws_stay_below_their_bound() {
        let mut d = Draws::new(u64::MAX);
        for n in [1, 2, 3, 7, 100] {
            assert!(d.below(n) < n);
        }
    }
}
