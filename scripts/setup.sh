#!/usr/bin/env bash
# Installs the Debian packages Meridian builds, runs and tests with, when missing.
# Debian packages only: nothing is downloaded at build time and nothing is vendored.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  librocksdb-dev libasio-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  nlohmann-json3-dev libxxhash-dev libzstd-dev libssl-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev libabsl-dev
  redis-tools redis-server python3-redis python3-pytest
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
  libldns-dev libmaxminddb-dev bind9-dnsutils dnsperf clang libclang-rt-14-dev liblzf-dev
  prometheus tmux chromium chromium-driver python3-selenium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
