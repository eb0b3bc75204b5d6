#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/e2e/browser), which Playwright drives
# with executable_path=/usr/bin/chromium. Playwright's own browser download is never used: it
# fetches from a host these machines cannot reach. Playwright itself is pinned in pyproject.toml's
# dev extras to the release whose bundled Chromium has Debian's major version.
#
# Never fails `make install`: without apt, root or a network it says so loudly, and the browser
# tests skip with a reason that names what is missing.
set -uo pipefail

CHROMIUM=${EMPORIUM_CHROMIUM:-/usr/bin/chromium}
PY=${1:-.venv/bin/python}

loud() {
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!!! BROWSER: $*" >&2
  echo "!!! The browser tests (tests/e2e/browser) will be SKIPPED." >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q chromium >/dev/null
}

if [ ! -x "$CHROMIUM" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    loud "$CHROMIUM is missing and there is no apt-get to install Debian's chromium package."
    exit 0
  fi
  if [ "$(id -u)" != 0 ]; then
    loud "$CHROMIUM is missing; install it as root: apt-get install -y chromium"
    exit 0
  fi
  echo "install: Debian's chromium (for the browser tests)"
  # A new machine may have no package lists yet: update once and try again.
  if ! apt_install && ! { timeout 300 apt-get update -q >/dev/null && apt_install; }; then
    loud "apt-get could not install chromium (no network?); run: apt-get install -y chromium"
    exit 0
  fi
fi

# Debian's Chromium prints "Chromium 156.0.8078.114 built on Debian ..."; its wrapper script
# may print a shell complaint on stderr, which is not the version.
version=$("$CHROMIUM" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -n 1)
if [ -z "$version" ]; then
  loud "$CHROMIUM is there but did not print its version."
  exit 0
fi
expected=$("$PY" - <<'EOF' 2>/dev/null
import json, pathlib
import playwright
path = pathlib.Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
browsers = json.loads(path.read_text())["browsers"]
print(next(b["browserVersion"] for b in browsers if b["name"] == "chromium"))
EOF
)
if [ -z "$expected" ]; then
  loud "Playwright is not installed in $PY's environment (pip install -e '.[dev]')."
  exit 0
fi
if [ "${version%%.*}" != "${expected%%.*}" ]; then
  echo "!!! BROWSER: Debian's Chromium is $version but this Playwright was built for" \
    "Chromium $expected: pin the Playwright release whose Chromium major is ${version%%.*}" \
    "in pyproject.toml (the browser tests still run, at that risk)." >&2
  exit 0
fi
echo "install: Chromium $version at $CHROMIUM, Playwright built for Chromium $expected"
