//! The AVX2 backend: 16 lanes as two `__m256`, on CPUs with AVX2 and FMA.
//! The reference's multiplies and adds stay separate instructions (Rust and
//! LLVM never fuse them on their own); FMA instructions appear only in
//! [`Lanes::split_quotient`], the exact divide of [`super::divide`].

// Inside `#[target_feature(enable = "avx2")]` functions the arithmetic
// intrinsics are safe to call from Rust 1.87 on; the `unsafe` blocks keep
// `rust-version` (1.85) building.
#![allow(unused_unsafe)]

use std::arch::x86_64::*;

use super::kernels::target_feature_kernels;
use super::{Lanes, Step, LANES, SUBBANDS};
use crate::hash::pdq::luma::{LUMA_FROM_B, LUMA_FROM_G, LUMA_FROM_R};

/// Proof that the CPU has AVX2 and FMA: only [`Avx2::new`] makes one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

impl Avx2 {
    pub(crate) fn new() -> Option<Avx2> {
        (std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"))
            .then_some(Avx2(()))
    }
}

type Col = [__m256; 2];

/// Transposes the 8x8 block at `src` (rows `ss` floats apart) into `dst`
/// (rows `ds` floats apart).
///
/// # Safety
/// AVX2 available; 8 rows of 8 floats readable at `src` and writable at `dst`.
#[inline(always)]
unsafe fn transpose8(src: *const f32, ss: usize, dst: *mut f32, ds: usize) {
    unsafe {
        let r = [
            _mm256_loadu_ps(src),
            _mm256_loadu_ps(src.add(ss)),
            _mm256_loadu_ps(src.add(2 * ss)),
            _mm256_loadu_ps(src.add(3 * ss)),
            _mm256_loadu_ps(src.add(4 * ss)),
            _mm256_loadu_ps(src.add(5 * ss)),
            _mm256_loadu_ps(src.add(6 * ss)),
            _mm256_loadu_ps(src.add(7 * ss)),
        ];
        // Interleave pairs of rows, then pairs of pairs, then swap halves.
        let t0 = _mm256_unpacklo_ps(r[0], r[1]);
        let t1 = _mm256_unpackhi_ps(r[0], r[1]);
        let t2 = _mm256_unpacklo_ps(r[2], r[3]);
        let t3 = _mm256_unpackhi_ps(r[2], r[3]);
        let t4 = _mm256_unpacklo_ps(r[4], r[5]);
        let t5 = _mm256_unpackhi_ps(r[4], r[5]);
        let t6 = _mm256_unpacklo_ps(r[6], r[7]);
        let t7 = _mm256_unpackhi_ps(r[6], r[7]);
        let s0 = _mm256_shuffle_ps::<0x44>(t0, t2);
        let s1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
        let s2 = _mm256_shuffle_ps::<0x44>(t1, t3);
        let s3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
        let s4 = _mm256_shuffle_ps::<0x44>(t4, t6);
        let s5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
        let s6 = _mm256_shuffle_ps::<0x44>(t5, t7);
        let s7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
        let out = [
            _mm256_permute2f128_ps::<0x20>(s0, s4),
            _mm256_permute2f128_ps::<0x20>(s1, s5),
            _mm256_permute2f128_ps::<0x20>(s2, s6),
            _mm256_permute2f128_ps::<0x20>(s3, s7),
            _mm256_permute2f128_ps::<0x31>(s0, s4),
            _mm256_permute2f128_ps::<0x31>(s1, s5),
            _mm256_permute2f128_ps::<0x31>(s2, s6),
            _mm256_permute2f128_ps::<0x31>(s3, s7),
        ];
        for (j, v) in out.into_iter().enumerate() {
            _mm256_storeu_ps(dst.add(j * ds), v);
        }
    }
}

/// 8 pixels of 8-bit RGB packed 3 bytes apart, loaded from 32 bytes, with
/// pixels 0..4 in the low 128-bit half and 4..8 in the high half, each at
/// bytes 3i..3i+3 of its half.
///
/// # Safety
/// AVX2 available; 32 bytes readable at `p`.
#[inline(always)]
unsafe fn load_rgb3(p: *const u8) -> __m256i {
    unsafe {
        // Bytes 0..16 to the low half, 12..28 to the high half: two 16-byte
        // loads (about 1.25x faster through the whole luma loop than one
        // 32-byte load and a cross-half permute).
        let low = _mm_loadu_si128(p as *const __m128i);
        let high = _mm_loadu_si128(p.add(12) as *const __m128i);
        _mm256_inserti128_si256::<1>(_mm256_castsi128_si256(low), high)
    }
}

/// 8 pixels of `bpp` (3 or 4) bytes from 32 bytes at `p`, laid out for
/// [`luma_of`].
///
/// # Safety
/// AVX2 available; 32 bytes readable at `p`.
#[inline(always)]
unsafe fn load_pixels(p: *const u8, bpp: usize) -> __m256i {
    unsafe {
        if bpp == 3 {
            load_rgb3(p)
        } else {
            _mm256_loadu_si256(p as *const __m256i)
        }
    }
}

/// A byte shuffle that moves byte `first + step * i` of each 128-bit half
/// into the low byte of dword i of that half and zeroes the rest: one
/// colour channel of 4 pixels per half, ready to convert to float.
///
/// # Safety
/// AVX2 available.
#[inline(always)]
unsafe fn channel_shuffle(first: usize, step: usize) -> __m256i {
    let mut dwords = [0i32; 8];
    for (i, d) in dwords.iter_mut().enumerate() {
        *d = (0x8080_8000 | (first + step * (i % 4)) as u32) as i32;
    }
    unsafe { _mm256_loadu_si256(dwords.as_ptr() as *const __m256i) }
}

/// `(R*r + G*g) + B*b` for 8 pixels, each product rounded before the adds.
///
/// # Safety
/// AVX2 available.
#[inline(always)]
unsafe fn luma_of(px: __m256i, shuffles: &[__m256i; 3]) -> __m256 {
    unsafe {
        // (No closures in this file: they would be compiled without AVX2.)
        let r = _mm256_cvtepi32_ps(_mm256_shuffle_epi8(px, shuffles[0]));
        let g = _mm256_cvtepi32_ps(_mm256_shuffle_epi8(px, shuffles[1]));
        let b = _mm256_cvtepi32_ps(_mm256_shuffle_epi8(px, shuffles[2]));
        _mm256_add_ps(
            _mm256_add_ps(
                _mm256_mul_ps(_mm256_set1_ps(LUMA_FROM_R), r),
                _mm256_mul_ps(_mm256_set1_ps(LUMA_FROM_G), g),
            ),
            _mm256_mul_ps(_mm256_set1_ps(LUMA_FROM_B), b),
        )
    }
}

/// 16 bytes at `low` into the low 128-bit half, 16 at `high` into the high.
///
/// # Safety
/// AVX2 available; 16 bytes readable at `low` and at `high`.
#[inline(always)]
unsafe fn load_halves(low: *const u8, high: *const u8) -> __m256i {
    unsafe {
        let low = _mm_loadu_si128(low as *const __m128i);
        let high = _mm_loadu_si128(high as *const __m128i);
        _mm256_inserti128_si256::<1>(_mm256_castsi128_si256(low), high)
    }
}

/// A 4x4 transpose in each 128-bit half: lane `4h + i` of output `j` is
/// lane `4h + j` of input `i`.
///
/// # Safety
/// AVX2 available.
#[inline(always)]
unsafe fn transpose4_halves(v: [__m256; 4]) -> [__m256; 4] {
    unsafe {
        let t0 = _mm256_unpacklo_ps(v[0], v[1]);
        let t1 = _mm256_unpackhi_ps(v[0], v[1]);
        let t2 = _mm256_unpacklo_ps(v[2], v[3]);
        let t3 = _mm256_unpackhi_ps(v[2], v[3]);
        [
            _mm256_shuffle_ps::<0x44>(t0, t2),
            _mm256_shuffle_ps::<0xEE>(t0, t2),
            _mm256_shuffle_ps::<0x44>(t1, t3),
            _mm256_shuffle_ps::<0xEE>(t1, t3),
        ]
    }
}

/// Luma of 8 pixels in each of 8 rows (`rows[i]`) into lane layout:
/// column `j`'s 8 values (row order) to `out[16 j..16 j + 8]`.
///
/// Each luma vector holds 4 pixels of row `i` in its low half and the same
/// 4 pixels of row `i + 4` in its high half, so a 4x4 transpose within the
/// halves leaves every column in row order: no move across halves.
///
/// # Safety
/// AVX2 available; `4 bpp + 16` bytes readable at each `rows[i]`;
/// `out[16 j..16 j + 8]` writable for `j < 8`.
#[inline(always)]
unsafe fn luma_block_to_lanes(
    rows: &[*const u8; 8],
    bpp: usize,
    shuffles: &[__m256i; 3],
    out: *mut f32,
) {
    unsafe {
        for half in 0..2 {
            let at = half * 4 * bpp;
            let mut v = [_mm256_setzero_ps(); 4];
            for (i, v) in v.iter_mut().enumerate() {
                *v = luma_of(load_halves(rows[i].add(at), rows[i + 4].add(at)), shuffles);
            }
            for (j, c) in transpose4_halves(v).into_iter().enumerate() {
                _mm256_storeu_ps(out.add((4 * half + j) * LANES), c);
            }
        }
    }
}

/// [`Lanes::luma_rgb8_lanes`] on AVX2.
///
/// # Safety
/// AVX2 available.
#[target_feature(enable = "avx2")]
unsafe fn luma_rgb8_lanes_avx2(
    rows: &[&[u8]; LANES],
    bpp: usize,
    rgb: [usize; 3],
    cols: usize,
    lanes: &mut [f32],
) {
    let row_len = cols * bpp;
    assert!(rows.iter().all(|r| r.len() >= row_len));
    let lanes = &mut lanes[..cols.next_multiple_of(8) * LANES];
    let shuffles = unsafe {
        [
            channel_shuffle(rgb[0], bpp),
            channel_shuffle(rgb[1], bpp),
            channel_shuffle(rgb[2], bpp),
        ]
    };
    for k0 in [0, 8] {
        let mut at = [std::ptr::null::<u8>(); 8];
        for (p, row) in at.iter_mut().zip(&rows[k0..]) {
            *p = row.as_ptr();
        }
        let mut c0 = 0;
        // Each block reads 4 bpp + 16 bytes from pixel c0 of each row.
        while c0 + 8 <= cols && (c0 + 4) * bpp + 16 <= row_len {
            // SAFETY: the bytes read are in each row (checked above: every
            // row holds `row_len` bytes); the 8 columns written end at
            // c0 + 8 <= cols.
            unsafe {
                let mut block = at;
                for p in &mut block {
                    *p = p.add(c0 * bpp);
                }
                let out = lanes.as_mut_ptr().add(c0 * LANES + k0);
                luma_block_to_lanes(&block, bpp, &shuffles, out);
            }
            c0 += 8;
        }
        // The last pixels (up to 10 when a read would pass the end of a
        // row) through zero-padded copies, 8 at a time.
        while c0 < cols {
            let n = (cols - c0).min(8);
            let mut padded = [[0u8; 32]; 8];
            let mut block = [std::ptr::null::<u8>(); 8];
            for ((pad, row), p) in padded.iter_mut().zip(&rows[k0..]).zip(&mut block) {
                pad[..n * bpp].copy_from_slice(&row[c0 * bpp..(c0 + n) * bpp]);
                *p = pad.as_ptr();
            }
            // SAFETY: 32 >= 4 bpp + 16 bytes readable in each padded row;
            // the 8 columns written end at c0 + 8, within `lanes` (its
            // length is checked above, c0 is a multiple of 8 below cols).
            unsafe {
                let out = lanes.as_mut_ptr().add(c0 * LANES + k0);
                luma_block_to_lanes(&block, bpp, &shuffles, out);
            }
            c0 += 8;
        }
    }
}

/// # Safety
/// AVX2 available.
#[target_feature(enable = "avx2")]
unsafe fn luma_rgb8_avx2(bytes: &[u8], bpp: usize, rgb: [usize; 3], out: &mut [f32]) {
    let n = out.len().min(bytes.len() / bpp);
    let shuffles = unsafe {
        [
            channel_shuffle(rgb[0], bpp),
            channel_shuffle(rgb[1], bpp),
            channel_shuffle(rgb[2], bpp),
        ]
    };
    let mut done = 0;
    // Every step reads 32 bytes in place while they are there; two steps
    // at a time while the row lasts.
    while done + 16 <= n && (done + 8) * bpp + 32 <= bytes.len() {
        // SAFETY: 32 bytes from done * bpp and from (done + 8) * bpp are in
        // `bytes` (checked above); out[done..done + 16] is in bounds.
        unsafe {
            let a = load_pixels(bytes.as_ptr().add(done * bpp), bpp);
            let b = load_pixels(bytes.as_ptr().add((done + 8) * bpp), bpp);
            let out = out[done..done + 16].as_mut_ptr();
            _mm256_storeu_ps(out, luma_of(a, &shuffles));
            _mm256_storeu_ps(out.add(8), luma_of(b, &shuffles));
        }
        done += 16;
    }
    while done + 8 <= n && done * bpp + 32 <= bytes.len() {
        // SAFETY: 32 bytes from done * bpp are in `bytes` (checked above);
        // out[done..done + 8] is in bounds as done + 8 <= n.
        unsafe {
            let px = load_pixels(bytes.as_ptr().add(done * bpp), bpp);
            _mm256_storeu_ps(out[done..done + 8].as_mut_ptr(), luma_of(px, &shuffles));
        }
        done += 8;
    }
    // The last pixels (up to 10 when a 32-byte read would pass the end of
    // the row) through a zero-padded copy, 8 at a time.
    while done < n {
        let count = (n - done).min(8);
        let mut padded = [0u8; 32];
        padded[..count * bpp].copy_from_slice(&bytes[done * bpp..(done + count) * bpp]);
        let mut luma = [0.0f32; 8];
        // SAFETY: 32 bytes readable in `padded`, 8 floats writable in `luma`.
        unsafe {
            let px = load_pixels(padded.as_ptr(), bpp);
            _mm256_storeu_ps(luma.as_mut_ptr(), luma_of(px, &shuffles));
        }
        out[done..done + count].copy_from_slice(&luma[..count]);
        done += count;
    }
}

impl Lanes for Avx2 {
    type Col = Col;

    #[inline(always)]
    fn splat(self, x: f32) -> Col {
        // SAFETY: `self` proves AVX2 is available.
        [unsafe { _mm256_set1_ps(x) }; 2]
    }

    #[inline(always)]
    fn load(self, s: &[f32]) -> Col {
        let s = &s[..LANES];
        // SAFETY: AVX2 (`self`); `s` holds 16 floats.
        unsafe {
            [
                _mm256_loadu_ps(s.as_ptr()),
                _mm256_loadu_ps(s.as_ptr().add(8)),
            ]
        }
    }

    #[inline(always)]
    fn store(self, c: Col, s: &mut [f32]) {
        let s = &mut s[..LANES];
        // SAFETY: AVX2 (`self`); `s` holds 16 floats.
        unsafe {
            _mm256_storeu_ps(s.as_mut_ptr(), c[0]);
            _mm256_storeu_ps(s.as_mut_ptr().add(8), c[1]);
        }
    }

    #[inline(always)]
    fn add(self, a: Col, b: Col) -> Col {
        // SAFETY: AVX2 (`self`).
        unsafe { [_mm256_add_ps(a[0], b[0]), _mm256_add_ps(a[1], b[1])] }
    }

    #[inline(always)]
    fn sub(self, a: Col, b: Col) -> Col {
        // SAFETY: AVX2 (`self`).
        unsafe { [_mm256_sub_ps(a[0], b[0]), _mm256_sub_ps(a[1], b[1])] }
    }

    #[inline(always)]
    fn div(self, a: Col, b: Col) -> Col {
        // SAFETY: AVX2 (`self`).
        unsafe { [_mm256_div_ps(a[0], b[0]), _mm256_div_ps(a[1], b[1])] }
    }

    #[inline(always)]
    fn mul(self, a: Col, b: Col) -> Col {
        // SAFETY: AVX2 (`self`).
        unsafe { [_mm256_mul_ps(a[0], b[0]), _mm256_mul_ps(a[1], b[1])] }
    }

    const FUSED_MULTIPLY_ADD: bool = true;

    #[inline(always)]
    fn split_quotient(self, x: Col, high: Col, low: Col) -> Col {
        // SAFETY: AVX2 and FMA (`self`); only called from functions
        // compiled with both enabled, where this inlines.
        unsafe {
            [
                _mm256_fmadd_ps(x[0], high[0], _mm256_mul_ps(x[0], low[0])),
                _mm256_fmadd_ps(x[1], high[1], _mm256_mul_ps(x[1], low[1])),
            ]
        }
    }

    #[inline(always)]
    fn transpose16(self, src: &[f32], src_stride: usize, dst: &mut [f32], dst_stride: usize) {
        let src = &src[..15 * src_stride + LANES];
        let dst = &mut dst[..15 * dst_stride + LANES];
        for bi in [0, 8] {
            for bj in [0, 8] {
                // SAFETY: AVX2 (`self`); the 8x8 block at rows bi.., floats
                // bj.. of `src` and rows bj.., floats bi.. of `dst` lie in
                // the slices bounded above.
                unsafe {
                    transpose8(
                        src.as_ptr().add(bi * src_stride + bj),
                        src_stride,
                        dst.as_mut_ptr().add(bj * dst_stride + bi),
                        dst_stride,
                    )
                }
            }
        }
    }

    fn luma_rgb8(self, bytes: &[u8], bpp: usize, rgb: [usize; 3], out: &mut [f32]) {
        debug_assert!(bpp == 3 || bpp == 4);
        // SAFETY: AVX2 (`self`).
        unsafe { luma_rgb8_avx2(bytes, bpp, rgb, out) }
    }

    fn luma_rgb8_lanes(
        self,
        rows: &[&[u8]; LANES],
        bpp: usize,
        rgb: [usize; 3],
        cols: usize,
        lanes: &mut [f32],
        _scratch: &mut [f32],
    ) {
        debug_assert!(bpp == 3 || bpp == 4);
        // SAFETY: AVX2 (`self`).
        unsafe { luma_rgb8_lanes_avx2(rows, bpp, rgb, cols, lanes) }
    }

    // SAFETY: an `Avx2` is made only by `Avx2::new`, when the CPU has AVX2
    // and FMA.
    target_feature_kernels! {
        unsafe Avx2, "avx2,fma";
        fn rows_to_lanes(rows: &[f32], stride: usize, lanes: &mut [f32]);
        #[inline(never)]
        fn blocks_to_rows(blocks: &[[[f32; LANES]; LANES]], rows: &mut [f32], stride: usize);
        fn sampled_to_rows(columns: &[[f32; LANES]; 64], rows: &mut [[f32; 64]]);
        fn box_lanes_to_rows(
            inputs: [&[f32]; SUBBANDS],
            len: usize,
            full: usize,
            rows: &mut [f32],
            stride: usize,
        );
        fn box_lanes_sampled(
            inputs: [&[f32]; SUBBANDS],
            len: usize,
            full: usize,
            at: &[usize; 64],
            out: &mut [[[f32; LANES]; 64]; SUBBANDS],
        );
        fn vertical_band(
            ring: &[f32],
            steps: &[Step],
            full: usize,
            sums: &mut [f32],
            block: &mut [f32],
            out_lanes: &mut [f32],
        );
        fn vertical_sampled(
            ring: &[[f32; 64]],
            steps: &[Step],
            full: usize,
            sums: &mut [f32; 64],
            out: &mut [[f32; 64]; 64],
        );
    }
}
