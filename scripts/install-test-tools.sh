#!/bin/sh
# Install the programs some tests drive for real, from Debian's packages, when they are missing:
# chromium (with a font, so pages render text) for tests/test_browser.py, apache2 for the
# .htaccess rules in tests/test_publish.py, and Virtuoso 7.2 (virtuoso-t and isql-vt only: the
# -bin package has no system service, database or debconf question; tests/virtuoso.py starts its
# own server on a fresh folder) for tests/test_virtuoso.py; and, from npm, Comunica's SPARQL
# endpoint (pinned) in $GOVKG_TEST_TOOLS/comunica (default /opt/govkg-test-tools) for
# tests/test_read_only_servers.py; and, from PyPI, cffconvert (pinned) in a virtual environment
# of its own, $GOVKG_TEST_TOOLS/cffconvert, for the release tests' CITATION.cff check (cffconvert
# 2.0.0 needs jsonschema < 4, frictionless >= 4.20: they cannot share govkg's).  The benchmarks'
# load generators come along: ab (with apache2) and wrk (bench/serve_bench.py --load-generator
# wrk).  Idempotent and quiet; needs root (or sudo) and apt-get the first time only.
set -eu
# Comunica 5 needs Node 22 (its undici 8 fails on Node 20, Debian 12's and this image's Node)
COMUNICA_VERSION=4.5.0
CFFCONVERT_VERSION=2.0.0
tools="${GOVKG_TEST_TOOLS:-/opt/govkg-test-tools}"
comunica="$tools/comunica/node_modules/.bin/comunica-sparql-file-http"
cffconvert="$tools/cffconvert/bin/cffconvert"
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium fonts-liberation"
[ -x /usr/sbin/apache2 ] || missing="$missing apache2"
[ -x /usr/bin/virtuoso-t ] || missing="$missing virtuoso-opensource-7-bin"
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
if [ -n "$missing" ]; then
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
fi
test -x /usr/bin/chromium && test -x /usr/sbin/apache2
test -x /usr/bin/virtuoso-t && test -x /usr/bin/isql-vt
if [ ! -x "$comunica" ]; then
  mkdir -p "$tools/comunica"
  npm install --prefix "$tools/comunica" --no-audit --no-fund --omit=dev --loglevel=error \
    "@comunica/query-sparql-file@$COMUNICA_VERSION" >/dev/null
fi
test -x "$comunica"
if [ ! -x "$cffconvert" ]; then
  mkdir -p "$tools"
  python3 -m venv "$tools/cffconvert"
  if ! "$tools/cffconvert/bin/pip" install --quiet --disable-pip-version-check \
      "cffconvert==$CFFCONVERT_VERSION" >"$tools/cffconvert.log" 2>&1; then
    echo "install-test-tools: cffconvert could not be installed: see $tools/cffconvert.log" >&2
    exit 1
  fi
fi
test -x "$cffconvert"
