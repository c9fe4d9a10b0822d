//! Puts the commit into `keydeck --version`, so a bug report says which build it came from.

include!("../../build_commit.rs");

fn main() {
    emit_commit();
}
