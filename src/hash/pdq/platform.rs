//! Which instruction set runs the PDQ filter, chosen once per hash by
//! [`Platform::detect`]. Every platform gives the same bits: the fast ones
//! only run independent rows or columns side by side in SIMD lanes, each
//! lane doing the scalar code's float operations in the scalar code's order.

/// A filter implementation. All of them are bit-identical to the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// One row at a time, plain scalar code: the readable baseline the
    /// others are tested against.
    Scalar,
    /// 16 rows at a time in plain arrays, written so that LLVM vectorizes
    /// it for any target (the fallback where no backend below applies).
    Portable,
    /// 16 rows at a time with SSE2 intrinsics (every x86-64 CPU).
    Sse2,
    /// 16 rows at a time with AVX2 intrinsics, on CPUs that also have FMA
    /// (used only for an exact divide; see the `simd::divide` module).
    Avx2,
    /// 16 rows at a time with NEON intrinsics (every aarch64 CPU: what ARM
    /// phones run), its fused multiply-add used only for the exact divide.
    Neon,
}

impl Platform {
    /// Every platform, slowest first.
    pub const ALL: [Platform; 5] = [
        Platform::Scalar,
        Platform::Portable,
        Platform::Sse2,
        Platform::Avx2,
        Platform::Neon,
    ];

    /// The fastest platform this CPU supports.
    ///
    /// The test-only cargo features `force-scalar`, `force-portable`,
    /// `force-sse2` and `force-neon` make it return that platform instead
    /// (where the CPU can run it), so the whole test suite can be run on
    /// each path on one machine.
    pub fn detect() -> Platform {
        if cfg!(feature = "force-scalar") {
            return Platform::Scalar;
        }
        if cfg!(feature = "force-portable") {
            return Platform::Portable;
        }
        if cfg!(feature = "force-sse2") && Platform::Sse2.is_available() {
            return Platform::Sse2;
        }
        if cfg!(feature = "force-neon") && Platform::Neon.is_available() {
            return Platform::Neon;
        }
        if Platform::Neon.is_available() {
            Platform::Neon
        } else if Platform::Avx2.is_available() {
            Platform::Avx2
        } else if Platform::Sse2.is_available() {
            Platform::Sse2
        } else {
            Platform::Portable
        }
    }

    /// Whether this CPU can run the platform.
    pub fn is_available(self) -> bool {
        match self {
            Platform::Scalar | Platform::Portable => true,
            Platform::Sse2 => cfg!(target_arch = "x86_64"),
            Platform::Avx2 => avx2_available(),
            Platform::Neon => cfg!(target_arch = "aarch64"),
        }
    }

    /// The platforms this CPU can run, slowest first.
    pub fn available() -> Vec<Platform> {
        Platform::ALL
            .into_iter()
            .filter(|p| p.is_available())
            .collect()
    }

    /// Short lower-case name (`scalar`, `portable`, `sse2`, `avx2`, `neon`).
    pub fn name(self) -> &'static str {
        match self {
            Platform::Scalar => "scalar",
            Platform::Portable => "portable",
            Platform::Sse2 => "sse2",
            Platform::Avx2 => "avx2",
            Platform::Neon => "neon",
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn avx2_available() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

#[cfg(not(target_arch = "x86_64"))]
fn avx2_available() -> bool {
    false
}
