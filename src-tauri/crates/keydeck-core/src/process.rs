//! Process hygiene for anything that holds secrets in memory: no core file, and (on Linux)
//! no ptrace attach or `/proc/<pid>/mem` read by other processes of the same user.

/// Called first thing by the `keydeck` CLI and the window, in every build.
pub fn harden() {
    #[cfg(unix)]
    // SAFETY: plain system calls on this process, with valid arguments; a failure only
    // means the protection is missing, which keydeck cannot do more about.
    unsafe {
        let no_core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// CLOCK_MONOTONIC in nanoseconds: the clock of the window's `READY` start-up mark, read by
/// the start-up benchmark before it spawns the window (std's `Instant` reads the same clock
/// but does not show its value).
#[cfg(unix)]
pub fn monotonic_ns() -> u128 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    now.tv_sec as u128 * 1_000_000_000 + now.tv_nsec as u128
}

/// Whether [`harden`] took effect here (for tests and `doctor`).
pub fn is_hardened() -> bool {
    #[cfg(unix)]
    // SAFETY: reads this process's own limits and flags into a local value.
    unsafe {
        let mut core = libc::rlimit {
            rlim_cur: 1,
            rlim_max: 1,
        };
        let no_core = libc::getrlimit(libc::RLIMIT_CORE, &mut core) == 0 && core.rlim_max == 0;
        #[cfg(target_os = "linux")]
        let not_dumpable = libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
        #[cfg(not(target_os = "linux"))]
        let not_dumpable = true;
        no_core && not_dumpable
    }
    #[cfg(not(unix))]
    false
}
