//! A small xorshift generator for picking steal victims.

/// Marsaglia's xorshift on a pair of words (as in Tokio's and Go's
/// schedulers): fast, and good enough to spread steals.
#[derive(Debug, Clone)]
pub(crate) struct FastRand {
    one: u32,
    two: u32,
}

impl FastRand {
    /// Seeds from `salt` and a process-wide counter, so that workers and
    /// pools get different sequences.
    pub(crate) fn new(salt: u64) -> FastRand {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
        let mut x = COUNTER
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
            .wrapping_add(salt.wrapping_mul(0xbf58_476d_1ce4_e5b9));
        // splitmix64 finaliser.
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^= x >> 31;
        let one = (x >> 32) as u32;
        let two = x as u32;
        FastRand {
            one,
            two: if one == 0 && two == 0 { 1 } else { two },
        }
    }

    fn next(&mut self) -> u32 {
        let mut s1 = self.one;
        let s0 = self.two;
        s1 ^= s1 << 17;
        s1 = s1 ^ s0 ^ (s1 >> 7) ^ (s0 >> 16);
        self.one = s0;
        self.two = s1;
        s0.wrapping_add(s1)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn next_n(&mut self, n: u32) -> u32 {
        ((u64::from(self.next()) * u64::from(n)) >> 32) as u32
    }
}

#[cfg(all(test, not(rt_loom)))]
mod tests {
    use super::FastRand;

    #[test]
    fn covers_the_range() {
        let mut r = FastRand::new(3);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            let v = r.next_n(7) as usize;
            assert!(v < 7);
            seen[v] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }
}
