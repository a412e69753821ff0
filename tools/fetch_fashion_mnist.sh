#!/usr/bin/env bash
# Fetches Fashion-MNIST (60,000 train / 10,000 test, the standard IDX .gz files) from Debian's
# dataset-fashion-mnist package and prints the folder to pass to `ember train --data`.
set -euo pipefail
dir=/usr/share/datasets/fashion-mnist
if [ ! -f "$dir/train-images-idx3-ubyte.gz" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >&2
  $sudo apt-get install -y -q dataset-fashion-mnist >&2
fi
echo "$dir"
