#!/usr/bin/env bash
# Installs Debian's Chromium for the serve module's browser test (ServeBrowserTest), which skips
# without it. Idempotent: does nothing when /usr/bin/chromium is there. Needs root (CI runs as root).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ci: /usr/bin/chromium is missing and installing it needs root: run 'apt-get install chromium' as root" >&2
  exit 1
fi
echo "ci: installing Debian's chromium (for the browser test) ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version >&2
