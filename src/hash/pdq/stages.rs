//! The filter's stages one at a time, for the per-stage benchmarks
//! (`benches/pdq.rs`), so a regression shows in the stage that has it.
//! Hidden from the docs: not a stable API.
//!
//! Each stage does one image's worth of its work (every row or band of an
//! image of the given size) on buffers prepared once, with realistic values.

use super::banded::{fill_lanes, sub_bands};
use super::boxfilter::{box_row, half_window, window_size, VerticalBox};
use super::luma::LumaSource;
use super::simd::{self, Lanes, Step, BAND, LANES, SUBBANDS, VERTICAL_BLOCK};
use super::{dct_on, decimation_indices, dihedral, quality_on, Downsample, Platform};
use crate::input::PixelView;

/// One stage of the hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Pixels to float luma, every row (banded platforms: into lane
    /// layout, as the first horizontal pass takes it).
    Luma,
    /// First horizontal box pass, every row (banded platforms include the
    /// transpose of its output back into rows).
    FirstHorizontal,
    /// First vertical box pass, every row and column (banded platforms
    /// include the transpose of its output into lane layout).
    FirstVertical,
    /// Second horizontal pass, every row, output at the 64 sampled columns.
    SecondHorizontal,
    /// Second vertical pass over the 64 sampled columns, every row.
    SecondVertical,
    /// The 64x64 to 16x16 DCT.
    Dct,
    /// Quality metric, Torben median and hash bits.
    QualityAndBits,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Luma,
        Stage::FirstHorizontal,
        Stage::FirstVertical,
        Stage::SecondHorizontal,
        Stage::SecondVertical,
        Stage::Dct,
        Stage::QualityAndBits,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Luma => "luma",
            Stage::FirstHorizontal => "first_horizontal",
            Stage::FirstVertical => "first_vertical",
            Stage::SecondHorizontal => "second_horizontal",
            Stage::SecondVertical => "second_vertical",
            Stage::Dct => "dct",
            Stage::QualityAndBits => "quality_and_bits",
        }
    }
}

/// Buffers for running single stages over one image on one platform.
pub struct StageBench<'a> {
    src: LumaSource<'a>,
    platform: Platform,
    rows: usize,
    cols: usize,
    stride: usize,
    along_rows: usize,
    along_cols: usize,
    band: Vec<f32>,
    lanes: Vec<f32>,
    ring: Vec<f32>,
    sums: Vec<f32>,
    block: Vec<f32>,
    steps: Vec<Step>,
    /// The last vertical pass's ring of sampled rows, and its steps over
    /// every row (output at the 64 sampled ones).
    last_ring: Vec<[f32; 64]>,
    last_steps: Vec<Step>,
    col_at: [usize; 64],
    down: Box<Downsample>,
}

impl<'a> StageBench<'a> {
    /// Buffers for `view` on `platform` (the portable one if this CPU cannot
    /// run it). The view must be at least 64 pixels on each side.
    pub fn new(view: PixelView<'a>, platform: Platform) -> Self {
        let src = LumaSource::new(view);
        let (rows, cols) = (src.rows(), src.cols());
        assert!(rows >= 64 && cols >= 64);
        let stride = super::banded::row_stride(cols);
        let along_rows = window_size(cols, 64);
        let along_cols = window_size(rows, 64);
        let ring_rows = (along_cols + 2 * BAND).next_multiple_of(BAND);
        let mut band = vec![0.0; BAND * stride];
        for k in 0..BAND {
            src.fill_row(k, &mut band[k * stride..]);
        }
        let ring: Vec<f32> = (0..ring_rows)
            .flat_map(|_| band[..stride].to_vec())
            .collect();
        // A steady-state band of the first vertical pass: 16 steps that add
        // and subtract, each writing an output row.
        let half = half_window(along_cols);
        let steps = (0..LANES)
            .map(|k| Step {
                add: Some((k % ring_rows) * stride),
                sub: Some(((k + along_cols) % ring_rows) * stride),
                out: Some((k, along_cols)),
            })
            .collect();
        debug_assert!(half <= along_cols + 1);
        let col_at = decimation_indices(cols);
        let row_at = decimation_indices(rows);
        let last_rows = (along_cols + BAND).next_multiple_of(BAND);
        let sampled_row: [f32; 64] = std::array::from_fn(|j| band[col_at[j]]);
        let last_ring = vec![sampled_row; last_rows];
        let last_steps = (0..rows)
            .map(|i| {
                let o = (i + 1).checked_sub(half);
                Step {
                    add: Some(i % last_rows * 64),
                    sub: (i >= along_cols).then(|| (i - along_cols) % last_rows * 64),
                    out: o
                        .and_then(|o| row_at.iter().position(|&r| r == o))
                        .map(|j| (j, along_cols)),
                }
            })
            .collect();
        let down = super::stream::downsample(&src, false, Platform::Scalar);
        StageBench {
            src,
            platform: if platform.is_available() {
                platform
            } else {
                Platform::Portable
            },
            rows,
            cols,
            stride,
            along_rows,
            along_cols,
            lanes: band.clone(),
            band,
            ring,
            sums: vec![0.0; stride],
            block: vec![0.0; VERTICAL_BLOCK],
            steps,
            last_ring,
            last_steps,
            col_at,
            down,
        }
    }

    /// Runs `stage` once over the image; returns a value to keep the work alive.
    pub fn run(&mut self, stage: Stage) -> f32 {
        match stage {
            Stage::Dct => return dct_on(&self.down, self.platform)[1][1],
            Stage::QualityAndBits => {
                let q = quality_on(&self.down, self.platform);
                let coefficients = dct_on(&self.down, self.platform);
                return q as f32
                    + dihedral::bits(&coefficients).distance(&crate::Hash256::ZERO) as f32;
            }
            _ => {}
        }
        match self.platform {
            Platform::Scalar => self.run_scalar(stage),
            #[cfg(target_arch = "x86_64")]
            Platform::Avx2 => match simd::avx2::Avx2::new() {
                Some(l) => self.run_banded(l, stage),
                None => self.run_banded(simd::portable::Portable, stage),
            },
            #[cfg(target_arch = "x86_64")]
            Platform::Sse2 => self.run_banded(simd::sse2::Sse2, stage),
            #[cfg(target_arch = "aarch64")]
            Platform::Neon => self.run_banded(simd::neon::Neon, stage),
            _ => self.run_banded(simd::portable::Portable, stage),
        }
    }

    fn run_scalar(&mut self, stage: Stage) -> f32 {
        let (rows, cols) = (self.rows, self.cols);
        let (row_in, row_out) = self.band.split_at_mut(self.stride);
        match stage {
            Stage::Luma => {
                for r in 0..rows {
                    self.src.fill_row(r, row_in);
                }
            }
            Stage::FirstHorizontal | Stage::SecondHorizontal => {
                for _ in 0..rows {
                    box_row(&row_in[..cols], row_out, self.along_rows);
                }
            }
            Stage::FirstVertical => {
                let mut v = VerticalBox::new(cols, rows, self.along_cols);
                for _ in 0..rows {
                    v.push(row_in);
                }
            }
            Stage::SecondVertical => self.second_vertical(),
            Stage::Dct | Stage::QualityAndBits => unreachable!(),
        }
        self.band[self.stride + 1]
    }

    fn run_banded<L: Lanes>(&mut self, l: L, stage: Stage) -> f32 {
        let bands = self.rows.div_ceil(BAND);
        let stride = self.stride;
        match stage {
            Stage::Luma => {
                for first in (0..self.rows).step_by(BAND) {
                    let n = BAND.min(self.rows - first);
                    let (band, lanes) = (&mut self.band, &mut self.lanes);
                    fill_lanes(l, &self.src, first, n, band, stride, lanes);
                }
            }
            Stage::FirstHorizontal => {
                for _ in 0..bands {
                    let subs = sub_bands(&self.lanes, stride);
                    let out = &mut self.ring[..BAND * stride];
                    l.box_lanes_to_rows(subs, self.cols, self.along_rows, out, stride);
                }
            }
            Stage::FirstVertical => {
                for _ in 0..self.rows.div_ceil(LANES) {
                    l.vertical_band(
                        &self.ring,
                        &self.steps,
                        self.along_cols,
                        &mut self.sums,
                        &mut self.block,
                        &mut self.lanes,
                    );
                }
            }
            Stage::SecondHorizontal => {
                let mut sampled = [[[0.0f32; LANES]; 64]; SUBBANDS];
                for _ in 0..bands {
                    l.box_lanes_sampled(
                        sub_bands(&self.lanes, stride),
                        self.cols,
                        self.along_rows,
                        &self.col_at,
                        &mut sampled,
                    );
                }
                return sampled[1][1][1];
            }
            Stage::SecondVertical => {
                let mut sums = [0.0f32; 64];
                l.vertical_sampled(
                    &self.last_ring,
                    &self.last_steps,
                    self.along_cols,
                    &mut sums,
                    &mut self.down,
                );
            }
            Stage::Dct | Stage::QualityAndBits => unreachable!(),
        }
        self.lanes[1] + self.ring[1]
    }

    fn second_vertical(&mut self) {
        let row_at = decimation_indices(self.rows);
        let mut v = VerticalBox::sampled(64, self.rows, self.along_cols, &row_at);
        let row: [f32; 64] = std::array::from_fn(|j| self.band[self.col_at[j]]);
        for _ in 0..self.rows {
            v.push(&row);
        }
    }
}

/// The 16x16 DCT of the original orientation and the quality, as
/// [`hash_dihedral`](super::hash_dihedral) computes them (`None` below
/// [`MIN_HASHABLE_SIDE`](super::MIN_HASHABLE_SIDE)): for studies of the
/// coefficients (`examples/stability_study.rs`).
pub fn dct(view: &PixelView<'_>, profile: super::Profile) -> Option<([[f32; 16]; 16], u8)> {
    super::dct_of(view, profile, super::Pipeline::Streaming, false)
}
