#!/usr/bin/env python3
"""PyTorch's data-parallel training (DistributedDataParallel over gloo) as the peer of
`mpirun -np N ember train`: the same models (torch_train.build), the same global batch split across
the ranks by a DistributedSampler, SGD with momentum, and the seconds of each training epoch (no
evaluation) on rank 0.

    /usr/bin/python3 bench/compare/torch_ddp.py --data /usr/share/datasets/fashion-mnist \
        --model mlp --ranks 2 --threads 1 --epochs 4

--ranks 1 trains in this process without DDP (the single-process baseline). Prints one line per
epoch and a last line with the median of epochs 2..N.
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_train  # noqa: E402


def load(args):
    x = torch.tensor(torch_train.read_idx(torch_train.find(args.data, "train-images-idx3-ubyte")), dtype=torch.float32) / 255
    y = torch.tensor(torch_train.read_idx(torch_train.find(args.data, "train-labels-idx1-ubyte")), dtype=torch.int64)
    if args.limit:
        g = torch.Generator().manual_seed(0)
        keep = torch.randperm(x.shape[0], generator=g)[:args.limit]
        x, y = x[keep], y[keep]
    x = ((x - x.mean()) / x.std()).unsqueeze(1)
    return x, y


def train(rank, args):
    torch.set_num_threads(args.threads)
    distributed = args.ranks > 1
    if distributed:
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        os.environ.setdefault("MASTER_PORT", str(args.port))
        dist.init_process_group("gloo", rank=rank, world_size=args.ranks)
    x, y = load(args)
    torch.manual_seed(0)
    model = torch_train.build(args.model, 100)
    if distributed:
        model = nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    local_batch = args.batch_size // args.ranks
    sampler = torch.utils.data.distributed.DistributedSampler(range(x.shape[0]), args.ranks, rank, shuffle=True, seed=0)
    seconds = []
    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch)
        order = torch.tensor(list(iter(sampler)))
        if distributed:
            dist.barrier()
        start = time.perf_counter()
        model.train()
        for i in range(0, order.shape[0], local_batch):
            idx = order[i:i + local_batch]
            loss = loss_fn(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if distributed:
            dist.barrier()
        seconds.append(time.perf_counter() - start)
        if rank == 0:
            print(f"epoch {epoch} train_seconds {seconds[-1]:.3f} loss {loss.item():.4f}", flush=True)
    if rank == 0:
        tail = seconds[1:] if len(seconds) > 1 else seconds
        print(f"torch {args.model} {args.ranks} rank(s) x {args.threads} thread(s): median epoch {statistics.median(tail):.3f} s "
              f"(epochs 2-{args.epochs}), torch {torch.__version__}", flush=True)
    if distributed:
        dist.destroy_process_group()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="data/mnist")
    p.add_argument("--model", choices=["mlp", "cnn", "bn-cnn", "resnet"], default="mlp")
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch-size", type=int, default=64, help="the global batch, split across the ranks")
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--limit", type=int, default=0, help="train on a seeded subset of this many examples (0: all)")
    p.add_argument("--port", type=int, default=29533)
    args = p.parse_args()
    if args.ranks == 1:
        train(0, args)
    else:
        mp.spawn(train, args=(args,), nprocs=args.ranks, join=True)


if __name__ == "__main__":
    main()
