//! Peak extra heap while hashing, measured with a counting allocator: the
//! streaming filter must not allocate anything proportional to the image.

use percept::hash::pdq::{self, Pipeline, Profile};
use percept::{PixelFormat, PixelView};

#[path = "common/counting_alloc.rs"]
mod counting;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

/// Extra bytes at peak while `f` runs, above what was live before.
fn peak_extra(f: impl FnOnce()) -> usize {
    counting::peak_during(f).1
}

// One test function only: the counters are process-wide, and the harness
// runs tests on parallel threads.
#[test]
fn streaming_hash_of_12_megapixels_needs_under_8_mb() {
    let (w, h) = (4032u32, 3024u32);
    let data: Vec<u8> = (0..w as usize * h as usize * 3)
        .map(|i| (i % 251) as u8)
        .collect();
    let view = PixelView::packed(&data, w, h, PixelFormat::Rgb8).unwrap();

    let mut streaming = None;
    let extra = peak_extra(|| streaming = Some(pdq::hash_dihedral(&view, Profile::FullResolution)));
    println!("streaming: peak extra heap {extra} bytes");
    assert!(extra < 8 << 20, "streaming used {extra} bytes");

    // The reference layout holds two float planes: 2 x 4 x 12.2 M bytes.
    let mut reference = None;
    let extra_ref = peak_extra(|| {
        reference = Some(pdq::hash_dihedral_with(
            &view,
            Profile::FullResolution,
            Pipeline::ReferenceLayout,
        ))
    });
    println!("reference layout: peak extra heap {extra_ref} bytes");
    assert!(extra_ref >= 2 * 4 * (w * h) as usize);
    assert_eq!(streaming, reference);
}
