//! Request signing for exchange REST/WebSocket APIs.
//!
//! Keys are handed over once and held here; nothing in this crate returns key material and no
//! error message contains it (errors are unit-like enums). HMAC and Ed25519 come from `ring`
//! (constant-time, audited); the hex/base64 encoders are local because they are ten lines and
//! every extra crate must also exist as a Debian package for the offline build.
#![forbid(unsafe_code)]

use ring::signature::KeyPair;
use ring::{hmac, signature};

/// Everything that can go wrong; deliberately carries no data (never key material).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignError {
    /// An empty HMAC secret: almost certainly a configuration mistake, refuse it.
    EmptySecret,
    /// Ed25519 seeds are exactly 32 bytes.
    BadSeedLength,
    /// ring rejected the key (should not happen for a 32-byte seed).
    BadKey,
}

impl SignError {
    pub fn message(self) -> &'static str {
        match self {
            SignError::EmptySecret => "HMAC secret must not be empty",
            SignError::BadSeedLength => "Ed25519 seed must be exactly 32 bytes",
            SignError::BadKey => "Ed25519 key rejected",
        }
    }
}

impl std::fmt::Display for SignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for SignError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HmacAlgorithm {
    Sha256,
    Sha512,
}

/// An HMAC key held for the life of the signer. `Debug` is not derived: it must never print.
pub struct HmacSigner {
    key: hmac::Key,
    algorithm: HmacAlgorithm,
}

impl HmacSigner {
    pub fn new(algorithm: HmacAlgorithm, secret: &[u8]) -> Result<Self, SignError> {
        if secret.is_empty() {
            return Err(SignError::EmptySecret);
        }
        let alg = match algorithm {
            HmacAlgorithm::Sha256 => hmac::HMAC_SHA256,
            HmacAlgorithm::Sha512 => hmac::HMAC_SHA512,
        };
        Ok(Self {
            key: hmac::Key::new(alg, secret),
            algorithm,
        })
    }

    pub fn algorithm(&self) -> HmacAlgorithm {
        self.algorithm
    }

    /// Raw MAC bytes (32 or 64).
    pub fn sign(&self, payload: &[u8]) -> Vec<u8> {
        hmac::sign(&self.key, payload).as_ref().to_vec()
    }

    pub fn sign_hex(&self, payload: &[u8]) -> String {
        to_hex(hmac::sign(&self.key, payload).as_ref())
    }

    pub fn sign_base64(&self, payload: &[u8]) -> String {
        to_base64(hmac::sign(&self.key, payload).as_ref())
    }
}

/// An Ed25519 key pair derived from a 32-byte seed (RFC 8032 "secret key").
pub struct Ed25519Signer {
    pair: signature::Ed25519KeyPair,
}

impl Ed25519Signer {
    pub fn from_seed(seed: &[u8]) -> Result<Self, SignError> {
        if seed.len() != 32 {
            return Err(SignError::BadSeedLength);
        }
        let pair =
            signature::Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| SignError::BadKey)?;
        Ok(Self { pair })
    }

    /// 64-byte signature.
    pub fn sign(&self, payload: &[u8]) -> Vec<u8> {
        self.pair.sign(payload).as_ref().to_vec()
    }

    /// 32-byte public key (public by definition; safe to return).
    pub fn public_key(&self) -> Vec<u8> {
        self.pair.public_key().as_ref().to_vec()
    }
}

/// Verifies an Ed25519 signature (used by tests and by callers that want a self-check).
pub fn ed25519_verify(public_key: &[u8], payload: &[u8], sig: &[u8]) -> bool {
    signature::UnparsedPublicKey::new(&signature::ED25519, public_key)
        .verify(payload, sig)
        .is_ok()
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex, as exchanges expect.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 §4), which is what Node's `digest('base64')` emits.
pub fn to_base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk[0] as u32;
        let b1 = chunk.get(1).copied().unwrap_or(0) as u32;
        let b2 = chunk.get(2).copied().unwrap_or(0) as u32;
        let n = (b0 << 16) | (b1 << 8) | b2;
        out.push(B64[((n >> 18) & 63) as usize] as char);
        out.push(B64[((n >> 12) & 63) as usize] as char);
        out.push(if chunk.len() > 1 {
            B64[((n >> 6) & 63) as usize] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            B64[(n & 63) as usize] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests;
