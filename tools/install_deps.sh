#!/usr/bin/env bash
# Installs the Debian packages ember needs to build and test, when any is missing.
# Safe to run repeatedly: it only calls apt-get when a package is absent.
set -euo pipefail

# clang, its OpenMP runtime and its sanitizer/libFuzzer runtimes: tools/test.sh's second and
# third builds.
# libpng-dev, libjpeg62-turbo-dev: reading and writing PNG and JPEG images (ember::data).
# libcairo2-dev: the CLI's plots (lines and text drawn by cairo).
# openmpi-bin, libopenmpi-dev: data-parallel training across processes (ember::distributed, mpirun).
packages=(g++ cmake make pkg-config libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev libcairo2-dev openmpi-bin libopenmpi-dev
          clang libomp-dev libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install_deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q "${missing[@]}"
