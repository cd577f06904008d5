#!/usr/bin/env bash
# The browser tests (tests/web/) drive the page in the distribution's Chromium through
# Playwright; Playwright's own browser download is never used. Installs Chromium when missing.
set -euo pipefail
BROWSER=${COACH_CHROMIUM:-/usr/bin/chromium}
if [ -x "$BROWSER" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
fi
if command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || echo "install-browser: could not install chromium; the browser tests will skip" >&2
else
  echo "install-browser: no apt-get; install Chromium at $BROWSER for the browser tests" >&2
fi
