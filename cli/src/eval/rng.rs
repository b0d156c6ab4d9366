//! The seeded generator behind every random choice `percept eval` makes:
//! SplitMix64 (Steele, Lea and Flood, 2014), a few lines with no dependency.
//!
//! Each (original, transform) pair gets its own stream, derived from the
//! run's seed, the original's content digest and the transform's name, so
//! a copy depends on nothing else: not on thread scheduling, the order of
//! the inputs, or which other files are in the run.

/// A SplitMix64 stream.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

/// SplitMix64's output function: a bijective mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a over a name: a stable 64-bit key for a transform.
fn name_key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Rng {
    /// A stream from a bare seed.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The stream for one transform of one original.
    pub fn for_copy(seed: u64, original_key: u64, transform: &str) -> Self {
        Rng::new(mix(mix(seed ^ mix(original_key)) ^ name_key(transform)))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.state)
    }

    /// A value in `0..n` (`n > 0`), by Lemire's multiply-shift (the bias,
    /// below 2^-32 for image sizes, does not matter here).
    pub fn below(&mut self, n: u32) -> u32 {
        debug_assert!(n > 0);
        ((u64::from((self.next_u64() >> 32) as u32) * u64::from(n)) >> 32) as u32
    }

    /// A value in `lo..=hi`.
    pub fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi - lo + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first outputs for seed 1234567, computed separately from
    /// SplitMix64's definition (arbitrary-precision integers).
    #[test]
    fn matches_splitmix64() {
        let mut r = Rng::new(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
        assert_eq!(r.next_u64(), 9817491932198370423);
    }

    #[test]
    fn streams_are_deterministic_and_distinct() {
        let a: Vec<u64> = (0..4)
            .scan(Rng::for_copy(7, 42, "crop-side-10"), |r, _| {
                Some(r.next_u64())
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .scan(Rng::for_copy(7, 42, "crop-side-10"), |r, _| {
                Some(r.next_u64())
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(
            Rng::for_copy(7, 42, "crop-side-10").next_u64(),
            Rng::for_copy(7, 42, "overlay-10").next_u64()
        );
        assert_ne!(
            Rng::for_copy(7, 42, "overlay-10").next_u64(),
            Rng::for_copy(8, 42, "overlay-10").next_u64()
        );
        assert_ne!(
            Rng::for_copy(7, 42, "overlay-10").next_u64(),
            Rng::for_copy(7, 43, "overlay-10").next_u64()
        );
    }

    #[test]
    fn ranges_are_respected() {
        let mut r = Rng::new(3);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let v = r.between(2, 6);
            assert!((2..=6).contains(&v));
            seen[(v - 2) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s), "every value in range comes up");
    }
}
