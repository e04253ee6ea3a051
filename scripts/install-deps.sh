#!/usr/bin/env bash
# Installs what Portico needs from Debian 12 packages (and npm, for the browser tier), only
# what is missing. Usage: scripts/install-deps.sh [build|test|bench]
#   build: compilers and libraries;  test: + Chromium, clang's libFuzzer, Node packages;
#   bench: + wrk and the peer's npm packages.
# Runs apt-get through sudo when not root.
set -euo pipefail
what=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)

build_packages=(g++ cmake ninja-build pkg-config libboost1.81-dev libboost-json1.81-dev libssl-dev libsqlite3-dev libsodium-dev
  libutf8proc-dev libtomlplusplus-dev libkainjow-mustache-dev libgtest-dev libgmock-dev libbenchmark-dev libcurl4-openssl-dev sqlite3 curl)
test_packages=(clang libclang-rt-14-dev chromium curl python3-aiosmtpd)
bench_packages=(wrk)

packages=("${build_packages[@]}")
[[ $what == test || $what == bench ]] && packages+=("${test_packages[@]}")
[[ $what == bench ]] && packages+=("${bench_packages[@]}")
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from outside Debian's packages; only the commands matter.
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ $what == test || $what == bench ]]; then
  for tier in e2e conformance; do
    if [[ -f $here/tests/$tier/package-lock.json && ! -d $here/tests/$tier/node_modules ]]; then
      (cd "$here/tests/$tier" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
fi
if [[ $what == bench && -f $here/bench/peer/package.json && ! -d $here/bench/peer/node_modules ]]; then
  (cd "$here/bench/peer" && npm ci --no-audit --no-fund --loglevel=error)
fi
