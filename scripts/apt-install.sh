#!/usr/bin/env bash
# Installs one Debian package for the tests' services (scripts/install-browser.sh,
# scripts/start-postgres.sh), with sudo when not root; a failure is said, never fatal: the
# tests that need the package then skip (and fail under CI=true, where they must run).
#   scripts/apt-install.sh PACKAGE CALLER WHAT
set -euo pipefail
PACKAGE=$1 CALLER=$2 WHAT=$3
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
fi
if command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PACKAGE" >/dev/null \
    || echo "$CALLER: could not install $PACKAGE; $WHAT" >&2
else
  echo "$CALLER: no apt-get; install $PACKAGE for the tests ($WHAT otherwise)" >&2
fi
