#!/usr/bin/env bash
# The browser tests drive Debian's Chromium. Install it when missing and we may (root, apt).
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    && echo "chromium installed" || echo "could not install chromium: browser tests will be skipped"
else
  echo "chromium not found: browser tests will be skipped (apt-get install chromium)"
fi
