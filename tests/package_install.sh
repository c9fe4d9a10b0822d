#!/usr/bin/env bash
# The .deb from scripts/package.sh, installed as a user would: `dpkg -i`, then the installed
# CLI and window used from /usr/bin, then `dpkg -r`, which must leave nothing but the user's
# vault. Run under scripts/session.sh (a display and an unlocked keyring), as root or with sudo.
# The .rpm (second argument) is checked for the same contents; this Debian machine does not
# install it.
#   bash scripts/session.sh bash tests/package_install.sh keydeck_*.deb keydeck-*.rpm
set -euo pipefail
deb=$(realpath "$1")
rpm=$(realpath "$2")
checks=0
fail() { echo "package test FAILED: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "  ok: $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
installed() { dpkg-query -W -f='${Status}' keydeck 2>/dev/null | grep -q 'ok installed'; }

if installed; then
  fail "a keydeck package is installed on this machine; this test installs and removes its own, so remove yours first (dpkg -r keydeck)"
fi

# What the package declares and holds.
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libwebkit2gtk-4.1-0 libgtk-3-0; do
  grep -qw -- "$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
grep -q 'gnome-keyring' <<<"$(dpkg-deb -f "$deb" Recommends)" || fail "Recommends lacks gnome-keyring"
ok "Depends: $depends; Recommends: $(dpkg-deb -f "$deb" Recommends)"
contents=$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed -E 's|^\.?/?|/|')
for path in /usr/bin/keydeck /usr/bin/keydeck-app /usr/share/applications/keydeck.desktop; do
  grep -qx -- "$path" <<<"$contents" || fail "the package lacks $path"
done
for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  grep -qx -- "/usr/share/icons/hicolor/$size/apps/keydeck-app.png" <<<"$contents" ||
    fail "the package lacks the $size icon"
done
ok "the package holds both programs, the .desktop entry and icons 16 to 512 px"
rpm_contents=$(rpm -qlp "$rpm" 2>/dev/null)
for path in /usr/bin/keydeck /usr/bin/keydeck-app /usr/share/applications/keydeck.desktop; do
  grep -qx -- "$path" <<<"$rpm_contents" || fail "the .rpm lacks $path"
done
rpm -qp --requires "$rpm" 2>/dev/null | grep -q '^webkit2gtk4.1' || fail "the .rpm does not require webkit2gtk4.1"
ok "the .rpm holds both programs and the .desktop entry, and requires webkit2gtk4.1"

trap 'as_root dpkg -r keydeck >/dev/null 2>&1 || true' EXIT
as_root dpkg -i "$deb" >/dev/null
installed || fail "dpkg -i did not install keydeck"
ok "dpkg -i installed keydeck"
desktop-file-validate /usr/share/applications/keydeck.desktop ||
  fail "the .desktop entry is not valid"
grep -qx 'Exec=keydeck-app' /usr/share/applications/keydeck.desktop ||
  fail "the .desktop entry does not start keydeck-app"
ok "the .desktop entry is valid and starts keydeck-app"

# The installed CLI, from /usr/bin.
version=$(/usr/bin/keydeck --version)
grep -Eq '^keydeck [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]{12}\)$' <<<"$version" ||
  fail "keydeck --version says: $version"
ok "/usr/bin/keydeck --version: $version"
work=$(mktemp -d -t keydeck-package.XXXXXX)
export KEYDECK_HOME="$work/vault"
printf 'sk_live_package_test' | /usr/bin/keydeck add installed-package-key --scope read >/dev/null
/usr/bin/keydeck list | grep -q 'installed-package-key' || fail "keydeck list does not show the new key"
ok "/usr/bin/keydeck add and list work on a vault in $KEYDECK_HOME"

# The installed window: it paints its first screen (READY) and a visible window shows.
KEYDECK_BENCH_READY=1 /usr/bin/keydeck-app >"$work/app.out" 2>"$work/app.err" &
app=$!
for _ in $(seq 600); do
  grep -q '^READY ' "$work/app.out" && break
  kill -0 "$app" 2>/dev/null || fail "keydeck-app exited: $(tail -5 "$work/app.err")"
  sleep 0.1
done
grep -q '^READY ' "$work/app.out" || fail "keydeck-app did not paint its first screen in 60 s"
window=$(xdotool search --all --onlyvisible --pid "$app" --name '^keydeck$' | head -1)
[ -n "$window" ] || fail "keydeck-app shows no window"
ok "/usr/bin/keydeck-app painted its table (READY) in a visible window \"$(xdotool getwindowname "$window")\""
kill "$app"
wait "$app" 2>/dev/null || true

# Removed cleanly: no file of the package is left; the user's vault is.
as_root dpkg -r keydeck >/dev/null
trap - EXIT
! installed || fail "dpkg -r left keydeck installed"
dpkg-query -W -f='${Status}' keydeck 2>/dev/null | grep -q 'config-files' &&
  fail "dpkg -r left configuration files behind"
while read -r path; do
  [ -f "$path" ] && fail "dpkg -r left $path"
done <<<"$contents"
[ -s "$KEYDECK_HOME/vault.sqlite3" ] || fail "the user's vault is gone after dpkg -r"
ok "dpkg -r removed every file of the package and kept the user's vault"
rm -rf "$work"
echo "package test: $checks checks passed"
