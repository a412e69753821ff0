#!/usr/bin/env python3
"""PyTorch twin of `ember train` for side-by-side accuracy and speed.

Same recipe as ember: inputs standardised with the training set's mean and std, the model of
`ember train --model mlp|cnn|bn-cnn|resnet|xresnet18` with PyTorch's default init (an MLP
Flatten-Linear-ReLU-Linear, the LeNet-5-like CNN below, or torch_models.py's twins of
ember::models), cross-entropy, SGD with momentum (optionally weight decay and one-cycle),
reshuffled batches every epoch, test accuracy after each epoch.

    /usr/bin/python3 bench/compare/torch_train.py --data /usr/share/datasets/fashion-mnist \
        --epochs 5 --seeds 0 1 2 --threads 1

Prints one line per seed and epoch (accuracy, seconds) and a final line with the mean accuracy.
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    sizes = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(sizes)


def find(root, name):
    for candidate in (name + ".gz", name):
        if os.path.exists(os.path.join(root, candidate)):
            return os.path.join(root, candidate)
    raise FileNotFoundError(os.path.join(root, name))


def mlp(hidden):
    return nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def lenet():
    """The CNN of `ember train --model cnn` (cli/model_spec.cpp), layer for layer, so that the
    state_dict names match (2.weight is the first convolution's)."""
    return nn.Sequential(nn.Flatten(), nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def build(kind, hidden):
    """The network `ember train --model KIND` builds (cli/model_spec.cpp), with its layer names."""
    if kind == "mlp":
        return mlp(hidden)
    if kind == "cnn":
        return lenet()
    import torch_models
    net = {"bn-cnn": lambda: torch_models.bn_cnn(1, 10), "resnet": lambda: torch_models.ResNet(3, 1, 10),
           "xresnet18": lambda: torch_models.xresnet18(1, 10)}[kind]()
    return nn.Sequential(nn.Flatten(), nn.Unflatten(1, (1, 28, 28)), net)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="data/mnist")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--model", choices=["mlp", "cnn", "bn-cnn", "resnet", "xresnet18"], default="mlp")
    p.add_argument("--schedule", choices=["none", "onecycle"], default="none",
                   help="onecycle: torch's OneCycleLR per batch with its defaults, as ember train --schedule onecycle")
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--hidden", type=int, default=100)
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)

    x_train = torch.tensor(read_idx(find(args.data, "train-images-idx3-ubyte")), dtype=torch.float32) / 255
    y_train = torch.tensor(read_idx(find(args.data, "train-labels-idx1-ubyte")), dtype=torch.int64)
    x_test = torch.tensor(read_idx(find(args.data, "t10k-images-idx3-ubyte")), dtype=torch.float32) / 255
    y_test = torch.tensor(read_idx(find(args.data, "t10k-labels-idx1-ubyte")), dtype=torch.int64)
    mean, std = x_train.mean().item(), x_train.std().item()
    x_train = ((x_train - mean) / std).unsqueeze(1)
    x_test = ((x_test - mean) / std).unsqueeze(1)

    finals = []
    for seed in args.seeds:
        torch.manual_seed(seed)
        model = build(args.model, args.hidden)
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
        steps = args.epochs * ((x_train.shape[0] + args.batch_size - 1) // args.batch_size)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=steps) if args.schedule == "onecycle" else None
        loss_fn = nn.CrossEntropyLoss()
        n = x_train.shape[0]
        for epoch in range(1, args.epochs + 1):
            start = time.perf_counter()
            model.train()
            order = torch.randperm(n)
            for i in range(0, n, args.batch_size):
                idx = order[i:i + args.batch_size]
                loss = loss_fn(model(x_train[idx]), y_train[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                if sched is not None:
                    sched.step()
            seconds = time.perf_counter() - start
            model.eval()
            with torch.no_grad():
                acc = (model(x_test).argmax(1) == y_test).float().mean().item()
            # epoch_seconds includes the test pass, like the seconds column of `ember train`.
            epoch_seconds = time.perf_counter() - start
            print(f"seed {seed} epoch {epoch} test_accuracy {acc:.4f} train_seconds {seconds:.3f} "
                  f"epoch_seconds {epoch_seconds:.3f}", flush=True)
        finals.append(acc)
    print(f"torch mean test accuracy over seeds {args.seeds}: {np.mean(finals):.4f} "
          f"(min {min(finals):.4f}, max {max(finals):.4f}) torch {torch.__version__}")


if __name__ == "__main__":
    main()
