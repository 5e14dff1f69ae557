#!/usr/bin/env bash
# Installs the Debian packages the project needs that are missing, when run as root; otherwise names them.
#   scripts/system-packages.sh run    what `make run` needs (messages, WeasyPrint's libraries)
#   scripts/system-packages.sh test   plus poppler-utils (pdftotext), Debian's Chromium for browser tests,
#                                     zbar-tools (zbarimg reads the QR codes of rendered documents) and
#                                     redis-server (the fault tests stop and start a Redis of their own)
#   scripts/system-packages.sh bench  plus wrk (the HTTP load generator of tests/bench/bench_http.py)
set -euo pipefail

run_packages=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 shared-mime-info)
test_packages=(poppler-utils chromium zbar-tools redis-server)
bench_packages=(wrk)

case "${1:-run}" in
  run) wanted=("${run_packages[@]}") ;;
  test) wanted=("${run_packages[@]}" "${test_packages[@]}") ;;
  bench) wanted=("${run_packages[@]}" "${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian-based system: install the equivalents of: ${wanted[*]}" >&2
  exit 0
fi

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
