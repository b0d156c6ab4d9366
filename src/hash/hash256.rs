//! The 256-bit PDQ hash value and its text and binary forms.

use std::fmt;
use std::str::FromStr;

/// A 256-bit hash, as PDQ produces it.
///
/// Bit `k` (0..256) is DCT coefficient `k` of the reference's 16x16 output in
/// row-major order. The 32 bytes are the 256-bit number with bit `k` worth
/// 2^k, most significant byte first, so the binary form and the reference's
/// 64-character hex form (`%04hx` of word 15 down to word 0) read in the same
/// order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash256([u8; 32]);

/// Why a string is not a 64-character hex hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseHashError {
    /// The text is not 64 characters long (the length is reported).
    #[error("a PDQ hash is 64 hex characters, this text has {0}")]
    WrongLength(usize),
    /// A character at this 0-based position is not a hex digit.
    #[error("character {0} is not a hex digit")]
    NotHex(usize),
}

impl Hash256 {
    /// Number of bits.
    pub const BITS: u32 = 256;

    /// The all-zero hash (what the reference outputs for images under 5 pixels).
    pub const ZERO: Hash256 = Hash256([0; 32]);

    /// From the 32-byte binary form (most significant byte first).
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Hash256(bytes)
    }

    /// The 32-byte binary form (most significant byte first).
    pub const fn to_bytes(self) -> [u8; 32] {
        self.0
    }

    /// Borrow the 32-byte binary form.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Bit `k` (0..256), numbered as the reference's `getBit`.
    pub fn bit(&self, k: usize) -> bool {
        let k = k & 255;
        (self.0[31 - (k >> 3)] >> (k & 7)) & 1 == 1
    }

    /// Sets bit `k` (0..256), numbered as the reference's `setBit`.
    pub fn set_bit(&mut self, k: usize) {
        let k = k & 255;
        self.0[31 - (k >> 3)] |= 1 << (k & 7);
    }

    /// Number of set bits.
    pub fn count_ones(&self) -> u32 {
        self.words().iter().map(|w| w.count_ones()).sum()
    }

    /// Hamming distance: the number of bits that differ (0..=256).
    pub fn distance(&self, other: &Hash256) -> u32 {
        let a = self.words();
        let b = other.words();
        (a[0] ^ b[0]).count_ones()
            + (a[1] ^ b[1]).count_ones()
            + (a[2] ^ b[2]).count_ones()
            + (a[3] ^ b[3]).count_ones()
    }

    /// The hash as four native 64-bit words (for popcount); word order is the
    /// byte order, so the value is only meaningful for XOR/popcount.
    pub fn words(&self) -> [u64; 4] {
        let mut w = [0u64; 4];
        for (dst, chunk) in w.iter_mut().zip(self.0.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            *dst = u64::from_be_bytes(b);
        }
        w
    }

    /// Parses the reference's 64-character hex form (either case).
    pub fn from_hex(text: &str) -> Result<Self, ParseHashError> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(ParseHashError::WrongLength(text.chars().count()));
        }
        let mut out = [0u8; 32];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            let hi = hex_value(pair[0]).ok_or(ParseHashError::NotHex(2 * i))?;
            let lo = hex_value(pair[1]).ok_or(ParseHashError::NotHex(2 * i + 1))?;
            out[i] = (hi << 4) | lo;
        }
        Ok(Hash256(out))
    }

    /// The reference's 64-character lowercase hex form.
    pub fn to_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(DIGITS[(b >> 4) as usize] as char);
            s.push(DIGITS[(b & 15) as usize] as char);
        }
        s
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash256({})", self.to_hex())
    }
}

impl FromStr for Hash256 {
    type Err = ParseHashError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hash256::from_hex(s)
    }
}

/// As the 64-character hex string in human-readable formats (JSON, TOML…),
/// as the 32 bytes in binary ones.
#[cfg(feature = "serde")]
impl serde::Serialize for Hash256 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(&self.to_hex())
        } else {
            serializer.serialize_bytes(&self.0)
        }
    }
}

/// Reads what [`Serialize`](serde::Serialize) writes: hex text, or 32 bytes.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Hash256 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Hash256;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a PDQ hash: 64 hex characters or 32 bytes")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Hash256, E> {
                Hash256::from_hex(v).map_err(E::custom)
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Hash256, E> {
                let bytes: [u8; 32] = v
                    .try_into()
                    .map_err(|_| E::invalid_length(v.len(), &self))?;
                Ok(Hash256(bytes))
            }
        }
        if deserializer.is_human_readable() {
            deserializer.deserialize_str(Visitor)
        } else {
            deserializer.deserialize_bytes(Visitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bit_numbering_matches_reference_word_layout() {
        // Reference: word k>>4 holds bit k&15, words printed 15..0 as %04hx.
        let mut h = Hash256::ZERO;
        h.set_bit(0);
        assert_eq!(&h.to_hex()[60..], "0001");
        let mut h = Hash256::ZERO;
        h.set_bit(15);
        assert_eq!(&h.to_hex()[60..], "8000");
        let mut h = Hash256::ZERO;
        h.set_bit(255);
        assert_eq!(&h.to_hex()[..4], "8000");
        assert!(h.bit(255) && !h.bit(254));
    }

    #[test]
    fn parse_errors_are_specific() {
        assert_eq!(
            Hash256::from_hex("abc"),
            Err(ParseHashError::WrongLength(3))
        );
        let mut s = "0".repeat(64);
        s.replace_range(10..11, "g");
        assert_eq!(Hash256::from_hex(&s), Err(ParseHashError::NotHex(10)));
        assert!(Hash256::from_hex(&"é".repeat(32)).is_err());
    }

    fn any_hash() -> impl Strategy<Value = Hash256> {
        any::<[u8; 32]>().prop_map(Hash256::from_bytes)
    }

    proptest! {
        #[test]
        fn hex_round_trip(h in any_hash()) {
            prop_assert_eq!(Hash256::from_hex(&h.to_hex()), Ok(h));
            prop_assert_eq!(Hash256::from_hex(&h.to_hex().to_uppercase()), Ok(h));
            prop_assert_eq!(Hash256::from_bytes(h.to_bytes()), h);
        }

        #[test]
        fn distance_axioms(a in any_hash(), b in any_hash(), c in any_hash()) {
            prop_assert_eq!(a.distance(&a), 0);
            prop_assert_eq!(a.distance(&b), b.distance(&a));
            prop_assert!(a.distance(&c) <= a.distance(&b) + b.distance(&c));
            prop_assert_eq!(a.distance(&b) == 0, a == b);
            let bitwise = (0..256).filter(|&k| a.bit(k) != b.bit(k)).count() as u32;
            prop_assert_eq!(a.distance(&b), bitwise);
        }
    }
}
