#!/usr/bin/env bash
# Writes Fashion-MNIST (Debian's dataset-fashion-mnist: 60,000 train / 10,000 test) as two image
# folders, PNG and a JPEG copy, for `ember train --data`:
#   OUT/fashion-mnist-png/{train,test}/{0_t-shirt,1_trouser,...}/NNNNN.png
#   OUT/fashion-mnist-jpg/...  (quality 95)
# Usage: tools/fashion_mnist_images.sh [OUT]   (OUT defaults to data/; existing folders are kept)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/data}"
idx="$(bash "$root/tools/fetch_fashion_mnist.sh")"
ember="$root/build/cli/ember"
[ -x "$ember" ] || bash "$root/tools/build.sh" >&2
names="t-shirt,trouser,pullover,dress,coat,sandal,shirt,sneaker,bag,ankle-boot"
mkdir -p "$out"
for format in png jpg; do
  folder="$out/fashion-mnist-$format"
  if [ -d "$folder" ]; then
    echo "$folder exists; kept" >&2
  else
    "$ember" export --data "$idx" --out "$folder" --format "$format" --class-names "$names" >&2
  fi
  echo "$folder"
done
