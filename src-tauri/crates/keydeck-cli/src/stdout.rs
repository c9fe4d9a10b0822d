//! Standard output for results, written as they are produced. When its reader has gone away
//! (`keydeck list | head -1`), the command ends quietly with exit 0, as `ls | head` does for
//! the user: no panic, no backtrace, no error line. Other write errors (a full disk) are
//! reported as errors.

use std::io::{self, BufWriter, StdoutLock, Write};

use serde::Serialize;
use zeroize::Zeroize;

use crate::json::SafeLayout;

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

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        quiet_if_closed(self.0.write_all(buf))
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
/// whether 10 keys or 1,000,000 are listed. Each element is written once it is serialized.
pub struct JsonArray<W: Write> {
    out: W,
    empty: bool,
    /// One element, serialized here and written at once (many small writes to `out` cost
    /// more than the serializing).
    element: Vec<u8>,
}

impl<W: Write> JsonArray<W> {
    pub fn new(out: W) -> Self {
        JsonArray {
            out,
            empty: true,
            element: Vec::with_capacity(4096),
        }
    }

    pub fn push<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        // An export's element holds a secret: no copy of one outlives its element.
        self.element.as_mut_slice().zeroize();
        self.element.clear();
        self.element
            .extend_from_slice(if self.empty { b"[\n  " } else { b",\n  " });
        self.empty = false;
        let layout = SafeLayout::pretty_at(1);
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut self.element,
            layout,
        ))?;
        self.out.write_all(&self.element)
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
        self.element.as_mut_slice().zeroize();
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
