#!/usr/bin/env bash
# Installs what modelgen needs to build and test on Debian (as root, or through sudo).
set -euo pipefail
packages=(re2c bison meson ninja-build pkg-config gcc g++ clang libsqlite3-dev sqlite3 libpq-dev
          postgresql postgresql-client valgrind graphviz time make mandoc)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
