//! Standard output for results, written as they are produced. When its reader has gone away
//! (`keydeck list | head -1`), the command ends quietly with exit 0, as `ls | head` does for
//! the user: no panic, no backtrace, no error line. Other write errors (a full disk) are
//! reported as errors.

use std::borrow::Cow;
use std::io::{self, BufWriter, StdoutLock, Write};

use serde::Serialize;
use zeroize::{Zeroize, Zeroizing};

use crate::output::terminal_safe_json;

/// Prints a line on standard output (`println!` would panic on a closed pipe).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::stdout::line(format_args!($($arg)*))
    };
}

/// Buffered standard output that exits quietly once its reader has gone.
pub struct Stdout(BufWriter<StdoutLock<'static>>);

impl Stdout {
    pub fn new() -> Self {
        Stdout(BufWriter::with_capacity(64 * 1024, io::stdout().lock()))
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        quiet_if_closed(self.0.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        quiet_if_closed(self.0.flush())
    }
}

fn quiet_if_closed<T>(result: io::Result<T>) -> io::Result<T> {
    if matches!(&result, Err(e) if e.kind() == io::ErrorKind::BrokenPipe) {
        // What the reader wanted was delivered; the rest has nowhere to go.
        std::process::exit(0);
    }
    result
}

/// `outln!`'s work: one line, flushed, so it keeps its place among stderr's lines.
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = Stdout::new();
    if let Err(err) = writeln!(out, "{args}").and_then(|()| out.flush()) {
        eprintln!("error: cannot write to standard output: {err}");
        std::process::exit(1);
    }
}

/// A JSON array written one element at a time, laid out byte for byte as
/// `serde_json::to_string_pretty` lays out the whole array, so `--json` output is the same
/// whether 10 keys or 1,000,000 are listed.
pub struct JsonArray<W: Write> {
    out: W,
    empty: bool,
    buf: Vec<u8>,
}

impl<W: Write> JsonArray<W> {
    pub fn new(out: W) -> Self {
        JsonArray {
            out,
            empty: true,
            buf: Vec::with_capacity(4096),
        }
    }

    pub fn push<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        // An export's element holds a secret: no copy of one outlives its element.
        self.buf.zeroize();
        serde_json::to_writer_pretty(&mut self.buf, value)?;
        let raw = std::str::from_utf8(&self.buf).map_err(io::Error::other)?;
        // Copied only when a control character needs escaping (rarely), not every element;
        // such a copy may hold a secret's text, so it is wiped when dropped.
        let escaped = match terminal_safe_json(raw) {
            Cow::Borrowed(_) => None,
            Cow::Owned(copy) => Some(Zeroizing::new(copy)),
        };
        let text = escaped.as_deref().map_or(raw, String::as_str);
        self.out
            .write_all(if self.empty { b"[\n" } else { b",\n" })?;
        self.empty = false;
        // JSON strings hold no raw newline: every '\n' here is layout, one level deeper.
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
            }
            self.out.write_all(b"  ")?;
            self.out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    /// Closes the array and flushes.
    pub fn finish(mut self) -> io::Result<()> {
        self.out
            .write_all(if self.empty { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()
    }
}

impl<W: Write> Drop for JsonArray<W> {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(values: &[serde_json::Value]) -> String {
        let mut out = Vec::new();
        let mut array = JsonArray::new(&mut out);
        for value in values {
            array.push(value).unwrap();
        }
        array.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_streamed_array_is_laid_out_as_serde_json_lays_out_the_whole() {
        let values = [
            serde_json::json!({ "name": "a\nb", "scopes": ["x", "y"], "details": {} }),
            serde_json::json!({ "name": "c", "scopes": [], "nested": { "k": [1, { "z": null }] } }),
        ];
        for n in 0..=values.len() {
            let whole = serde_json::to_string_pretty(&values[..n]).unwrap() + "\n";
            assert_eq!(streamed(&values[..n]), whole, "{n} values");
        }
    }

    #[test]
    fn terminal_controls_are_escaped_as_in_the_whole_output() {
        let out = streamed(&[serde_json::json!({ "name": "a\u{1b}b\u{202e}c" })]);
        assert!(out.contains(r"a\u001bb\u202ec"), "{out}");
    }
}
