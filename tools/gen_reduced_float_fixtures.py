#!/usr/bin/env python3
"""Writes PyTorch's 16-bit float conversions and a bfloat16 safetensors file for
tests/core/reduced_float_test.cpp and tests/ops/reduced_float_ops_test.cpp:

  reduced_float.txt      one line per float32 value: its bits, then torch's bfloat16 and float16
                         bits for it (hex). The values: every rounding tie of both formats around
                         a sweep of exponents, the edges (largest finite, overflow, subnormals,
                         smallest values, zeros, infinities, NaNs of both signs) and random floats.
  torch_bf16.safetensors a bfloat16 and a float16 tensor saved by PyTorch, with their float32
                         values, to check that ember reads what PyTorch writes.

Run with Debian's python3-torch:  /usr/bin/python3 tools/gen_reduced_float_fixtures.py
"""
import os
import struct

import torch

from gen_fixtures import write_safetensors as save  # the same hand-written safetensors format

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "reference", "fixtures")


def f32(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def values():
    bits = set()
    for e in range(1, 255, 3):  # every third float32 exponent, both signs
        for sign in (0, 0x80000000):
            base = sign | (e << 23)
            for m in (0, 1, 0x7FFF, 0x8000, 0x8001, 0x18000, 0xFFFF, 0x10000, 0x7FFFFF,
                      0xFFF, 0x1000, 0x1001, 0x3000, 0x1FFF, 0x2000, 0x400000, 0x7FE000, 0x7FF000):
                bits.add(base | m)
    # float16's edges: 65504 (largest), 65519 / 65520 (the overflow tie), 2^-14, 2^-24, 2^-25.
    for v in (65504.0, 65519.0, 65520.0, 65536.0, 6.103515625e-05, 5.960464477539063e-08,
              2.9802322387695312e-08, 2.980232594040899e-08, 4.470348358154297e-08, 1e-45, 3.4028234663852886e38):
        for s in (1.0, -1.0):
            bits.add(struct.unpack("<I", struct.pack("<f", s * v))[0])
    # float16 subnormal ties: k + 1/2 units of 2^-24, for small k.
    for k in range(0, 40):
        bits.add(struct.unpack("<I", struct.pack("<f", (k + 0.5) * 2.0 ** -24))[0])
    bits.update({0x0, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001, 0xFFBFFFFF,
                 0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0x7F7F8000, 0x7F7F7FFF})
    g = torch.Generator().manual_seed(7)
    for b in torch.randint(0, 2**32, (2000,), generator=g, dtype=torch.int64).tolist():
        bits.add(b)
    return sorted(bits)


def main():
    bits = values()
    x = torch.tensor([b if b < 2**31 else b - 2**32 for b in bits], dtype=torch.int32).view(torch.float32)
    bf = x.to(torch.bfloat16).view(torch.int16).tolist()
    hf = x.to(torch.float16).view(torch.int16).tolist()
    with open(os.path.join(OUT, "reduced_float.txt"), "w") as f:
        f.write("# float32_bits bfloat16_bits float16_bits (torch %s)\n" % torch.__version__)
        for b, p, q in zip(bits, bf, hf):
            f.write("%08x %04x %04x\n" % (b, p & 0xFFFF, q & 0xFFFF))
    g = torch.Generator().manual_seed(11)
    w = torch.randn(3, 5, generator=g) * 10
    save(os.path.join(OUT, "torch_bf16.safetensors"), {
        "w": w,
        "w_bf16": w.to(torch.bfloat16),
        "w_f16": w.to(torch.float16),
        "w_bf16_as_f32": w.to(torch.bfloat16).to(torch.float32),
        "w_f16_as_f32": w.to(torch.float16).to(torch.float32),
    })


if __name__ == "__main__":
    main()
