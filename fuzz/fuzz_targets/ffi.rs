//! The C ABI's entry points on arbitrary input, called as a C program
//! would: encoded bytes, pixel buffers with arbitrary sizes, strides and
//! formats, list bytes, hex strings, and small or missing output buffers.
//! Every call must return a status (never unwind or crash), and outputs
//! must be written only on success.
#![no_main]

use std::ffi::CString;
use std::ptr;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use percept::ffi::hash::*;
use percept::ffi::last_error::*;
use percept::ffi::matcher::*;
use percept::ffi::options::*;
use percept::ffi::pdq::*;
use percept::ffi::status::*;

#[derive(Arbitrary, Debug)]
struct Input {
    which: u8,
    width: u16,
    height: u16,
    stride: u32,
    format: u8,
    profile: u8,
    text_len: u8,
    data: Vec<u8>,
}

const SAMPLE_LIST: &[u8] = include_bytes!("../../testdata/sample-list.pcl");

fuzz_target!(|input: Input| {
    let mut options = unsafe {
        let mut o = std::mem::zeroed();
        assert_eq!(percept_options_default(&mut o), PERCEPT_STATUS_OK);
        o
    };
    options.max_pixels = 1 << 22;
    options.max_alloc_bytes = 64 << 20;
    // Border trim on (the default) unless the top bit of `format` is set.
    options.border_trim = u32::from(input.format < 128);
    let data = &input.data;
    unsafe {
        match input.which % 5 {
            0 => {
                let mut out = std::mem::zeroed();
                let s = percept_pdq_dihedral_encoded(data.as_ptr(), data.len(), &options, &mut out);
                assert!(s != PERCEPT_STATUS_PANIC);
            }
            1 => {
                let mut out = std::mem::zeroed();
                let s = percept_pdq_hash_pixels(
                    data.as_ptr(),
                    data.len(),
                    input.width.into(),
                    input.height.into(),
                    input.stride as usize,
                    input.format.into(),
                    input.profile.into(),
                    &mut out,
                );
                assert!(s != PERCEPT_STATUS_PANIC);
            }
            2 => {
                // Arbitrary list bytes, then a match through it.
                let mut m = ptr::null_mut();
                options.verify_checksum = (input.format & 1).into();
                let s = percept_matcher_open_bytes(data.as_ptr(), data.len(), &options, &mut m);
                assert!(s != PERCEPT_STATUS_PANIC);
                if s == PERCEPT_STATUS_OK {
                    let mut r = std::mem::zeroed();
                    let q = percept_pdq_hash {
                        hash: percept_hash { bytes: [input.profile; 32] },
                        quality: 100,
                        // Any value: above 256 means unknown.
                        weak_bits: input.stride,
                        stable: input.width.into(),
                    };
                    assert!(percept_matcher_match_hash(m, &q, &mut r) != PERCEPT_STATUS_PANIC);
                    percept_matcher_free(m);
                } else {
                    assert!(m.is_null(), "output written on failure");
                }
            }
            3 => {
                // The sample list, matched against arbitrary encoded bytes,
                // and a label fetched into a buffer of arbitrary size.
                let mut m = ptr::null_mut();
                assert_eq!(
                    percept_matcher_open_bytes(SAMPLE_LIST.as_ptr(), SAMPLE_LIST.len(), &options, &mut m),
                    PERCEPT_STATUS_OK
                );
                let mut r = std::mem::zeroed();
                let s = percept_matcher_match_encoded(m, data.as_ptr(), data.len(), &mut r);
                assert!(s != PERCEPT_STATUS_PANIC);
                let mut buf = vec![0 as std::ffi::c_char; input.text_len as usize];
                let mut len = 0usize;
                let s = percept_matcher_entry_label(
                    m,
                    input.width.into(),
                    if buf.is_empty() { ptr::null_mut() } else { buf.as_mut_ptr() },
                    buf.len(),
                    &mut len,
                );
                assert!(s != PERCEPT_STATUS_PANIC);
                percept_matcher_free(m);
            }
            _ => {
                let text: Vec<u8> = data.iter().copied().filter(|&b| b != 0).collect();
                let text = CString::new(text).unwrap_or_default();
                let mut h = std::mem::zeroed();
                let s = percept_hash_from_hex(text.as_ptr(), &mut h);
                assert!(s != PERCEPT_STATUS_PANIC);
                let mut buf = vec![0 as std::ffi::c_char; input.text_len as usize];
                let mut len = 0usize;
                let s = percept_last_error_message(
                    if buf.is_empty() { ptr::null_mut() } else { buf.as_mut_ptr() },
                    buf.len(),
                    &mut len,
                );
                assert!(s == PERCEPT_STATUS_OK || s == PERCEPT_STATUS_BUFFER_TOO_SMALL);
            }
        }
    }
});
