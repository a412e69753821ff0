#!/usr/bin/env bash
# README command 1: build ember and run its main job on data that ships with the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
./build/examples/fit_mlp
