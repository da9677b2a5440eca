#!/bin/sh
# Install the programs some tests drive for real, from Debian's packages, when they are missing:
# chromium (with a font, so pages render text) for tests/test_browser.py, and apache2 for the
# .htaccess rules in tests/test_publish.py.  Idempotent and quiet; needs root (or sudo) and
# apt-get the first time only.
set -eu
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium fonts-liberation"
[ -x /usr/sbin/apache2 ] || missing="$missing apache2"
if [ -z "$missing" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-tools: missing:$missing, and apt-get is not available; install them" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
test -x /usr/bin/chromium && test -x /usr/sbin/apache2
