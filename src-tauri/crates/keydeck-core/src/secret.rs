//! `Secret`: the only type that holds a key's plaintext.
//!
//! It prints as `Secret(***)`, has no `Serialize`, and wipes its memory when dropped, so a
//! secret cannot end up in a listing, a log line or a panic message by accident.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{Error, Result};

/// Longest secret keydeck accepts (the keyring has no small limit; this stops a wrong file).
pub const MAX_SECRET_BYTES: usize = 64 * 1024;

#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret(String);

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Secret {
    /// Wraps a plaintext, refusing what cannot be a secret (empty, too long, NUL bytes).
    pub fn new(value: String) -> Result<Self> {
        let secret = Secret(value);
        if secret.0.is_empty() {
            return Err(Error::InvalidInput("the secret is empty".into()));
        }
        if secret.0.len() > MAX_SECRET_BYTES {
            return Err(Error::InvalidInput(format!(
                "the secret is longer than {MAX_SECRET_BYTES} bytes"
            )));
        }
        if secret.0.contains('\0') {
            return Err(Error::InvalidInput("the secret contains a NUL byte".into()));
        }
        Ok(secret)
    }

    /// Reads a secret from raw bytes (stdin, a file), dropping one trailing newline.
    /// The bytes are wiped whatever happens.
    pub fn from_bytes(bytes: Zeroizing<Vec<u8>>) -> Result<Self> {
        let mut bytes = bytes;
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        let owned = std::mem::take(&mut *bytes);
        match String::from_utf8(owned) {
            Ok(text) => Secret::new(text),
            Err(err) => {
                // Wipe the rejected bytes before reporting.
                drop(Zeroizing::new(err.into_bytes()));
                Err(Error::InvalidInput(
                    "the secret is not valid UTF-8 text".into(),
                ))
            }
        }
    }

    /// 32 bytes of OS randomness written in base62 (43 characters), after an optional
    /// readable prefix such as `kd_live_`.
    pub fn generate(prefix: Option<&str>) -> Result<Self> {
        let prefix = prefix.unwrap_or("");
        if !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            || prefix.len() > 12
        {
            return Err(Error::InvalidInput(format!(
                "the prefix `{prefix}` must be at most 12 characters of A-Z, a-z, 0-9, `_` or `-`"
            )));
        }
        let mut random = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut *random)
            .map_err(|e| Error::Io(format!("the OS random source failed: {e}")))?;
        let mut out = String::with_capacity(prefix.len() + 43);
        out.push_str(prefix);
        out.push_str(&base62(&random));
        Secret::new(out)
    }

    /// The plaintext. Call sites are few and deliberate: the keyring, reveal, copy, export.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Base62 of a big-endian number, padded to the length a full-width value needs.
fn base62(bytes: &[u8; 32]) -> String {
    let mut digits = Zeroizing::new(bytes.to_vec());
    let mut out = Zeroizing::new(Vec::with_capacity(43));
    // 62^43 > 2^256, so 43 digits always suffice.
    for _ in 0..43 {
        let mut remainder = 0u32;
        for d in digits.iter_mut() {
            let acc = (remainder << 8) | u32::from(*d);
            *d = (acc / 62) as u8;
            remainder = acc % 62;
        }
        out.push(BASE62[remainder as usize]);
    }
    out.reverse();
    String::from_utf8(out.to_vec()).expect("base62 is ASCII")
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("sk_live_canary_1234567890".into()).unwrap();
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(***))");
    }

    #[test]
    fn generated_secrets_are_base62_with_prefix_and_differ() {
        let a = Secret::generate(Some("kd_live_")).unwrap();
        let b = Secret::generate(Some("kd_live_")).unwrap();
        assert_ne!(a, b);
        let body = a.expose().strip_prefix("kd_live_").unwrap();
        assert_eq!(body.len(), 43);
        assert!(body.bytes().all(|c| BASE62.contains(&c)));
    }

    #[test]
    fn base62_of_extremes() {
        assert_eq!(base62(&[0u8; 32]), "0".repeat(43));
        let max = base62(&[0xff; 32]);
        assert_eq!(max.len(), 43);
        assert_ne!(max, "z".repeat(43), "2^256-1 is below 62^43-1");
    }

    #[test]
    fn bad_prefix_is_refused() {
        assert!(Secret::generate(Some("has space")).is_err());
        assert!(Secret::generate(Some("much_too_long_prefix_")).is_err());
    }

    #[test]
    fn from_bytes_trims_one_newline_and_rejects_bad_input() {
        let s = Secret::from_bytes(Zeroizing::new(b"abc\r\n".to_vec())).unwrap();
        assert_eq!(s.expose(), "abc");
        let s = Secret::from_bytes(Zeroizing::new(b"abc\n\n".to_vec())).unwrap();
        assert_eq!(s.expose(), "abc\n");
        assert!(Secret::from_bytes(Zeroizing::new(vec![0xff, 0xfe, b'a'])).is_err());
        assert!(Secret::from_bytes(Zeroizing::new(b"\n".to_vec())).is_err());
        assert!(Secret::from_bytes(Zeroizing::new(vec![b'a'; MAX_SECRET_BYTES + 1])).is_err());
    }
}
