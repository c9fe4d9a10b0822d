//! JSON as the CLI prints it: serde_json's layout (pretty, or compact on one line), with the
//! characters a terminal would act on written as `\uXXXX` escapes.
//!
//! serde_json escapes C0 controls but writes DEL, C1 controls and bidi controls raw, and a
//! terminal acts on them when the output is only looked at. They can only stand inside
//! strings, where `\uXXXX` is the same value: every JSON reader sees the same data. The
//! escaping happens as each string is written, so a listing of a million keys is not scanned
//! again afterwards.

use std::io::{self, Write};

use keydeck_core::text::is_marked;
use serde::Serialize;
use serde_json::ser::Formatter;

/// serde_json's `PrettyFormatter` (two spaces) or `CompactFormatter` layout, starting `depth`
/// levels deep, plus the escapes above.
pub struct SafeLayout {
    pretty: bool,
    depth: usize,
    has_value: bool,
}

impl SafeLayout {
    pub fn pretty_at(depth: usize) -> Self {
        SafeLayout {
            pretty: true,
            depth,
            has_value: false,
        }
    }

    pub fn compact() -> Self {
        SafeLayout {
            pretty: false,
            depth: 0,
            has_value: false,
        }
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.pretty && self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    /// Before an element or a key: the separator, then (pretty) a new indented line.
    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.pretty {
            self.newline(w)?;
        }
        Ok(())
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Formatter for SafeLayout {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.pretty { b": " } else { b":" })
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        text: &str,
    ) -> io::Result<()> {
        // Every character that needs it is DEL or beyond ASCII: plain text is written at once.
        if !text.bytes().any(|b| b >= 0x7f) {
            return w.write_all(text.as_bytes());
        }
        let mut start = 0;
        for (at, c) in text.char_indices() {
            if is_marked(c) {
                w.write_all(&text.as_bytes()[start..at])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = at + c.len_utf8();
            }
        }
        w.write_all(&text.as_bytes()[start..])
    }
}

/// `value` as pretty (or compact) JSON, terminal-safe.
pub fn to_string<T: Serialize + ?Sized>(value: &T, pretty: bool) -> serde_json::Result<String> {
    let layout = if pretty {
        SafeLayout::pretty_at(0)
    } else {
        SafeLayout::compact()
    };
    let mut out = Vec::with_capacity(256);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out, layout,
    ))?;
    // serde_json writes only UTF-8, and the escapes are ASCII.
    String::from_utf8(out).map_err(|e| serde_json::Error::io(io::Error::other(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<serde_json::Value> {
        vec![
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!({ "name": "a\nb", "scopes": ["x", "y"], "details": {}, "e": [] }),
            serde_json::json!({ "n": { "k": [1, { "z": null }, [], {}] }, "t": true, "f": 1.5 }),
            serde_json::json!([[], [[]], {"a": {}}]),
        ]
    }

    #[test]
    fn the_layout_is_serde_jsons_own() {
        for value in samples() {
            assert_eq!(
                to_string(&value, true).unwrap(),
                serde_json::to_string_pretty(&value).unwrap()
            );
            assert_eq!(
                to_string(&value, false).unwrap(),
                serde_json::to_string(&value).unwrap()
            );
        }
    }

    #[test]
    fn terminal_controls_in_strings_are_escaped_and_read_back_the_same() {
        let value = serde_json::json!({ "na\u{85}me": "a\u{1b}b\u{202e}c\u{7f}d…\u{9b}e\u{2066}" });
        for pretty in [true, false] {
            let text = to_string(&value, pretty).unwrap();
            assert!(
                text.contains(r"a\u001bb\u202ec\u007fd…\u009be\u2066"),
                "{text}"
            );
            assert!(text.contains(r"na\u0085me"), "{text}");
            assert!(!text.chars().any(|c| c != '\n' && is_marked(c)), "{text:?}");
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&text).unwrap(),
                value
            );
        }
    }
}
