//! Ed25519 signatures over a list's root digest.
//!
//! The root digest is the BLAKE3 checksum stored at the end of the body: it
//! covers the header (so the list version) and every section. A signed file
//! carries, after that checksum, one signature block:
//!
//! | size | field |
//! | --- | --- |
//! | 8 | magic `PRCPTSIG` |
//! | 32 | the signer's Ed25519 public key |
//! | 64 | Ed25519 signature of `SIGNATURE_CONTEXT` followed by the 32-byte root digest |
//!
//! The block is outside the checksummed body, so signing does not change
//! the root digest: two devices holding the same list print the same digest
//! whether or not their copies are signed.

use ed25519_dalek::{Signer, Verifier};

use super::DbError;

pub(crate) const SIGNATURE_MAGIC: &[u8; 8] = b"PRCPTSIG";
pub(crate) const SIGNATURE_BLOCK_LEN: usize = 8 + 32 + 64;
/// Domain separation: a signature over a list can never be replayed as a
/// signature over anything else.
const SIGNATURE_CONTEXT: &[u8] = b"percept list root digest v1\0";

/// An Ed25519 public key that list signatures are checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// The key from its 32 bytes (not checked until a signature is verified).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        PublicKey(bytes)
    }

    /// The key's 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Parses 64 hex digits.
    pub fn from_hex(hex: &str) -> Result<Self, DbError> {
        parse_hex32(hex)
            .map(PublicKey)
            .ok_or_else(|| DbError::BadKey("a public key is 64 hex digits".into()))
    }

    /// 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// An Ed25519 signing key (the list producer's secret).
pub struct SecretKey(ed25519_dalek::SigningKey);

impl SecretKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self, DbError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| DbError::BadKey(format!("no OS randomness: {e}")))?;
        Ok(SecretKey(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// Parses the 32-byte seed as 64 hex digits.
    pub fn from_hex(hex: &str) -> Result<Self, DbError> {
        let seed = parse_hex32(hex)
            .ok_or_else(|| DbError::BadKey("a secret key is 64 hex digits".into()))?;
        Ok(SecretKey(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// The seed as 64 hex digits (keep it secret).
    pub fn to_hex(&self) -> String {
        to_hex(&self.0.to_bytes())
    }

    /// The public key that verifies this key's signatures.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// The signature block for a root digest.
    pub(crate) fn sign_block(&self, root: &[u8; 32]) -> [u8; SIGNATURE_BLOCK_LEN] {
        let signature = self.0.sign(&message(root));
        let mut block = [0u8; SIGNATURE_BLOCK_LEN];
        block[..8].copy_from_slice(SIGNATURE_MAGIC);
        block[8..40].copy_from_slice(self.public_key().as_bytes());
        block[40..].copy_from_slice(&signature.to_bytes());
        block
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey(public {})", self.public_key())
    }
}

fn message(root: &[u8; 32]) -> Vec<u8> {
    let mut m = Vec::with_capacity(SIGNATURE_CONTEXT.len() + 32);
    m.extend_from_slice(SIGNATURE_CONTEXT);
    m.extend_from_slice(root);
    m
}

/// Checks a signature block over `root`; returns the signer's key.
pub(crate) fn verify_block(block: &[u8], root: &[u8; 32]) -> Result<PublicKey, DbError> {
    if block.len() != SIGNATURE_BLOCK_LEN || &block[..8] != SIGNATURE_MAGIC {
        return Err(DbError::Malformed("bad signature block".into()));
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&block[8..40]);
    let mut sig = [0u8; 64];
    sig.copy_from_slice(&block[40..]);
    let verifying =
        ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| DbError::BadSignature)?;
    verifying
        .verify(&message(root), &ed25519_dalek::Signature::from_bytes(&sig))
        .map_err(|_| DbError::BadSignature)?;
    Ok(PublicKey(key))
}

fn parse_hex32(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim().as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let digit = |c: u8| (c as char).to_digit(16);
        *o = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Some(out)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify_and_tamper() {
        let key = SecretKey::from_hex(&"42".repeat(32)).unwrap();
        let root = [7u8; 32];
        let block = key.sign_block(&root);
        assert_eq!(verify_block(&block, &root).unwrap(), key.public_key());
        let mut other_root = root;
        other_root[31] ^= 1;
        assert!(matches!(
            verify_block(&block, &other_root),
            Err(DbError::BadSignature)
        ));
        for at in 8..SIGNATURE_BLOCK_LEN {
            let mut b = block;
            b[at] ^= 0x10;
            assert!(verify_block(&b, &root).is_err(), "flip at {at} accepted");
        }
        let round = SecretKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(round.public_key(), key.public_key());
        assert_eq!(
            PublicKey::from_hex(&key.public_key().to_hex()).unwrap(),
            key.public_key()
        );
        assert!(PublicKey::from_hex("xyz").is_err());
    }
}
