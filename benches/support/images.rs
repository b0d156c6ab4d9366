//! Synthetic pictures shared by the benches.

/// A w x h RGB picture with gradients and seeded noise (deterministic).
pub fn photo_like(w: usize, h: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut out = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let noise = (state >> 59) as usize;
            for c in 0..3 {
                out.push(((x * (c + 1) / 7 + y * (3 - c) / 5 + noise) % 256) as u8);
            }
        }
    }
    out
}
