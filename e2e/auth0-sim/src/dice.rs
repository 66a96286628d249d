//! A tiny deterministic random source (SplitMix64) for the synthetic tenant generator: the
//! same seed gives the same tenant on every platform and every version of this crate, which a
//! general-purpose RNG does not promise.

/// SplitMix64 state.
#[derive(Debug, Clone)]
pub struct Dice {
    state: u64,
}

impl Dice {
    /// A source seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Dice {
            state: seed ^ 0x5DEE_CE66_D1CE_4E5B,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `p` (0.0..=1.0).
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// One element of `items` (`None` when empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// `len` characters from `[A-Za-z0-9]`.
    pub fn alnum(&mut self, len: usize) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| char::from(CHARS.get(self.below(CHARS.len())).copied().unwrap_or(b'x')))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_other_seed_differs() {
        let a: Vec<u64> = {
            let mut d = Dice::new(7);
            (0..5).map(|_| d.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut d = Dice::new(7);
            (0..5).map(|_| d.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut d = Dice::new(8);
            (0..5).map(|_| d.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn ranges_hold() {
        let mut d = Dice::new(1);
        for _ in 0..1000 {
            assert!(d.below(3) < 3);
            let x = d.between(40, 200);
            assert!((40..=200).contains(&x));
        }
        assert_eq!(d.below(0), 0);
        assert!(d.pick::<u8>(&[]).is_none());
        assert_eq!(d.alnum(32).len(), 32);
        assert!(!d.chance(0.0));
        assert!(d.chance(1.0));
    }
}
