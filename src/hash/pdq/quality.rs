//! The reference's image-domain quality metric over the 64x64 downsample.

/// Sum of quantized gradients, `/ 90`, capped at 100. Each difference is
/// `int(((u - v) * 100) / 255)` in binary32, truncated toward zero.
pub(crate) fn quality(buf: &[[f32; 64]; 64]) -> u8 {
    let step = |u: f32, v: f32| -> i32 { ((((u - v) * 100.0) / 255.0) as i32).abs() };
    let mut gradient_sum: i32 = 0;
    // Vertical differences first, then horizontal, as the reference sums
    // them (the order does not matter for an integer sum, but reads alike).
    for (upper, lower) in buf.iter().zip(&buf[1..]) {
        for (&u, &v) in upper.iter().zip(lower) {
            gradient_sum += step(u, v);
        }
    }
    for row in buf {
        for pair in row.windows(2) {
            gradient_sum += step(pair[0], pair[1]);
        }
    }
    (gradient_sum / 90).min(100) as u8
}
