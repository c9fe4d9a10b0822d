// Shared by the build scripts of the CLI and the window (`include!`d): puts the commit into
// `KEYDECK_COMMIT`, so `keydeck --version` and the window's About say which build they are.

fn git(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[allow(
    clippy::disallowed_macros,
    reason = "cargo reads a build script's stdout"
)]
fn emit_commit() {
    // A source tree without git (a tarball) still builds.
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=KEYDECK_COMMIT={commit}");
    // Build again when HEAD moves: a checkout changes HEAD, a commit changes the branch's ref.
    let head = git(&["rev-parse", "--git-path", "HEAD"]);
    let branch = git(&["symbolic-ref", "-q", "HEAD"])
        .and_then(|name| git(&["rev-parse", "--git-path", &name]));
    for path in [head, branch].into_iter().flatten() {
        println!("cargo:rerun-if-changed={path}");
    }
}
