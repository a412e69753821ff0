#!/usr/bin/env bash
# README command 2 (and CI): build ember and run every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
cd build
ctest --output-on-failure -j"$(nproc)"
