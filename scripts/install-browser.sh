#!/usr/bin/env bash
# The browser tests (tests/web/) drive the page in the distribution's Chromium through
# Playwright; Playwright's own browser download is never used. Installs Chromium when missing.
set -euo pipefail
BROWSER=${COACH_CHROMIUM:-/usr/bin/chromium}
if [ -x "$BROWSER" ]; then
  exit 0
fi
"$(dirname "$0")/apt-install.sh" chromium install-browser "the browser tests will skip"
