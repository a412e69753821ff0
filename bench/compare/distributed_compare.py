#!/usr/bin/env python3
"""Data-parallel training epochs, ember against PyTorch DDP (gloo), in one run:

    python3 bench/compare/distributed_compare.py [--build build] [--data /usr/share/datasets/fashion-mnist]
                                                 [--models mlp cnn resnet] [--epochs 4]

For each model, three ways to use this machine's two cores: one process on one thread (1x1), one
process on two threads (1x2) and two processes of one thread each (2x1, `mpirun -np 2 ember
train` and torch_ddp.py --ranks 2). Each cell is the median training-epoch time (no evaluation:
ember runs with --valid-split 0) over epochs 2..N of one run. The global batch is the same in
every column (ember's --batch-size; split across the ranks), and ember runs no loader thread
(--prefetch 0: 1x1 is one thread, not one thread and a loader). Standard library only; the PyTorch
side runs under /usr/bin/python3 (Debian's python3-torch, with libopenblas-dev installed: without
it PyTorch multiplies with the reference BLAS, 30x slower).
"""
import argparse
import csv
import os
import re
import statistics
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_btl_vader_single_copy_mechanism": "none", "OMPI_MCA_rmaps_base_oversubscribe": "1"}
# model: (global batch, training examples (0: all), learning rate)
RECIPES = {"mlp": (64, 0, 0.05), "cnn": (64, 0, 0.05), "resnet": (128, 6400, 0.05)}


def ember_epoch(args, model, ranks, threads):
    batch, limit, lr = RECIPES[model]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "m.safetensors")
        cmd = [os.path.join(args.build, "cli", "ember"), "train", "--data", args.data, "--model", model, "--epochs",
               str(args.epochs), "--batch-size", str(batch), "--lr", str(lr), "--limit", str(limit), "--valid-split", "0",
               "--threads", str(threads), "--prefetch", "0", "--schedule", "none", "--out", out]
        if ranks > 1:
            cmd = ["mpirun", "--bind-to", "none", "-np", str(ranks)] + cmd
        subprocess.run(cmd, env={**os.environ, **MPI_ENV}, check=True, capture_output=True, text=True)
        with open(os.path.join(tmp, "m.csv")) as f:
            seconds = [float(row["seconds"]) for row in csv.DictReader(f)]
    return statistics.median(seconds[1:])


def torch_env():
    """OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set on some of these machines for old OpenBLAS builds,
    slow PyTorch's OpenBLAS down: unset, as compare.py does for its peers."""
    return {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}


def torch_epoch(args, model, ranks, threads):
    batch, limit, lr = RECIPES[model]
    out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "torch_ddp.py"), "--data", args.data, "--model", model,
                          "--ranks", str(ranks), "--threads", str(threads), "--epochs", str(args.epochs), "--batch-size",
                          str(batch), "--lr", str(lr), "--limit", str(limit)],
                         env=torch_env(), check=True, capture_output=True, text=True).stdout
    return float(re.search(r"median epoch ([0-9.]+) s", out).group(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--models", nargs="+", default=["mlp", "cnn", "resnet"], choices=sorted(RECIPES))
    p.add_argument("--epochs", type=int, default=4)
    args = p.parse_args()
    ways = [(1, 1), (1, 2), (2, 1)]
    print(f"training epoch, median of epochs 2-{args.epochs}, seconds ({args.data})")
    print(f"{'model':8} {'side':6} " + " ".join(f"{f'{r}x{t}':>8}" for r, t in ways) + "   2x1/1x1  2x1/1x2")
    cells = {}
    for model in args.models:
        for side, fn in (("ember", ember_epoch), ("torch", torch_epoch)):
            row = [fn(args, model, r, t) for r, t in ways]
            cells[(model, side)] = row
            print(f"{model:8} {side:6} " + " ".join(f"{s:8.3f}" for s in row) +
                  f"   {row[2] / row[0]:7.2f}  {row[2] / row[1]:7.2f}", flush=True)
        e, t = cells[(model, "ember")], cells[(model, "torch")]
        print(f"{model:8} ember/torch at 2 ranks: {e[2] / t[2]:.2f}; each at its best: {min(e) / min(t):.2f}", flush=True)


if __name__ == "__main__":
    main()
