#!/usr/bin/env python3
"""PyTorch's side of bench/compare/compare.py: the same workloads as ember_bench, same thread
count, medians of repeated runs. Prints one JSON object per line: {"name": ..., "seconds": ...}.

    /usr/bin/python3 bench/compare/torch_bench.py --threads 1 [--only gemm_bf16|steps]
"""
import argparse
import json
import statistics
import time

import torch

GEMM_SHAPES = [(n, n, n, 0, 0) for n in (64, 128, 256, 512, 1024, 2048)] + [
    (64, 100, 784, 0, 1), (64, 784, 100, 0, 0), (100, 784, 64, 1, 0),
    (64, 10, 100, 0, 1), (10, 100, 64, 1, 0), (5, 10, 784, 0, 0),
    (50000, 50, 784, 0, 0), (784, 50, 50000, 1, 0),
    (6, 6272, 25, 0, 0), (6, 25, 6272, 0, 1), (16, 800, 150, 0, 0), (150, 800, 16, 1, 0), (16, 150, 800, 0, 1)]
# bench/gemm_bench.cpp's bf16_shapes: squares, the MLP's first layer, a ResNet-sized conv product.
BF16_SHAPES = [(n, n, n, 0, 0) for n in (512, 1024, 2048)] + [(64, 100, 784, 0, 1), (1024, 256, 1152, 0, 0)]


def median_seconds(fn, min_time=0.3, repeats=5):
    fn()  # warm up
    runs = []
    for _ in range(repeats):
        n, start = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time / repeats:
                break
        runs.append(elapsed / n)
    return statistics.median(runs)


def emit(name, seconds, **extra):
    print(json.dumps({"name": name, "seconds": seconds, **extra}), flush=True)


def gemms(bf16_only):
    with torch.no_grad():
        for m, n, k, ta, tb in [] if bf16_only else GEMM_SHAPES:
            a = torch.rand(k, m).t() if ta else torch.rand(m, k)
            b = torch.rand(n, k).t() if tb else torch.rand(k, n)
            s = median_seconds(lambda: torch.mm(a, b))
            emit(f"gemm/{m}x{n}x{k}/ta{ta}tb{tb}", s, gflops=2 * m * n * k / s / 1e9)
        # bfloat16 products (oneDNN's AVX512_BF16 kernels), float32 accumulation inside.
        for m, n, k, ta, tb in BF16_SHAPES:
            a = (torch.rand(k, m).t() if ta else torch.rand(m, k)).bfloat16()
            b = (torch.rand(n, k).t() if tb else torch.rand(k, n)).bfloat16()
            s = median_seconds(lambda: torch.mm(a, b))
            emit(f"gemm_bf16/{m}x{n}x{k}/ta{ta}tb{tb}", s, gflops=2 * m * n * k / s / 1e9)


def fc():
    """The course's fully connected forward and backward on 50,000 x 784 inputs."""
    x, y = torch.randn(50000, 784), torch.randn(50000)
    w1 = (torch.randn(784, 50) * (2 / 784) ** 0.5).requires_grad_()
    b1 = torch.zeros(50, requires_grad=True)
    w2 = (torch.randn(50, 1) * (2 / 50) ** 0.5).requires_grad_()
    b2 = torch.zeros(1, requires_grad=True)

    def loss():
        out = (x @ w1 + b1).clamp_min(0) @ w2 + b2
        return ((out.squeeze(-1) - y) ** 2).mean()

    with torch.no_grad():
        emit("fc/forward", median_seconds(loss, min_time=2))
    backward_runs = []
    for _ in range(7):
        value = loss()
        start = time.perf_counter()
        value.backward()
        backward_runs.append(time.perf_counter() - start)
    emit("fc/backward", statistics.median(backward_runs))


def steps():
    # One SGD-momentum training step on one batch: the MLP 784-100-10 and the LeNet-5 CNN
    # (torch_train.py) at batch 64, ResNet-20 at 128 and the course's BatchNorm CNN at 256
    # (torch_models.py): the twins of ember_bench's BM_*Step.
    from torch_train import lenet
    import torch_models
    nn = torch.nn
    mlp = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    image = (1, 28, 28)
    for name, model, batch, shape in (("mlp/step", mlp, 64, (784,)), ("cnn/step", lenet(), 64, image),
                                      ("resnet20/step", torch_models.ResNet(3, 1, 10), 128, image),
                                      ("bn_cnn/step", torch_models.bn_cnn(1, 10), 256, image)):
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        xb, yb = torch.randn(batch, *shape), torch.randint(0, 10, (batch,))

        def step(bf16):
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                value = torch.nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            value.backward()
            opt.step()

        emit(name, median_seconds(lambda: step(False)))
        # The same step under bfloat16 autocast (products in bfloat16, float32 weights): ember_bench's bf16:1.
        emit(name + "_bf16", median_seconds(lambda: step(True)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--only", choices=["gemm_bf16", "steps"], help="time only the bfloat16 GEMMs or the training steps")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.only != "steps":
        gemms(args.only == "gemm_bf16")
    if args.only is None:
        fc()
    if args.only != "gemm_bf16":
        steps()


if __name__ == "__main__":
    main()
