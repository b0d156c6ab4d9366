//! Hex parsing: arbitrary text is refused or parsed, and whatever parses
//! prints back to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use percept::db::PublicKey;
use percept::Hash256;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(h) = Hash256::from_hex(text) {
        assert_eq!(Hash256::from_hex(&h.to_hex()).ok(), Some(h));
    }
    if let Ok(k) = PublicKey::from_hex(text) {
        assert_eq!(PublicKey::from_hex(&k.to_hex()).ok(), Some(k));
    }
});
