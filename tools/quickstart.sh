#!/usr/bin/env bash
# README command 1: build ember and run its main job, `ember train`, on the MNIST digits that ship in
# data/mnist. Extra arguments go to `ember train` (e.g. --epochs 3).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
./build/cli/ember train "$@"
