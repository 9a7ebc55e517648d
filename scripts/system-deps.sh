#!/bin/sh
# What the test suite needs from Debian's packages, installed when missing:
#   chromium         the browser tests drive it headless (never a downloaded browser)
#   postgresql       the store tests start a real PostgreSQL server of their own
#   fonts-dejavu-core  Vietnamese glyphs in the browser's screenshots
# Nothing is installed when all are present; as a non-root user it uses sudo.
set -eu
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need="$need postgresql"
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need="$need fonts-dejavu-core"
[ -z "$need" ] && exit 0
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "installing from Debian's packages:$need" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine's package lists may be missing or old: update once, only if needed.
$sudo apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 ||
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends $need >/dev/null; }
