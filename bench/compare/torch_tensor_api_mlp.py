#!/usr/bin/env python3
"""PyTorch twin of tensor_api_mlp.cpp: the same hand-written MLP loop (index_select batches from a
shuffled permutation, relu(x W1^T + b1) W2^T + b2, cross-entropy, SGD with momentum over the four
raw tensors), line for line.

    /usr/bin/python3 bench/compare/torch_tensor_api_mlp.py [fashion-mnist dir] [epochs] [threads]

prints one line per epoch: "epoch E seconds S loss L", as the C++ programs do.
"""
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_train import find, read_idx  # noqa: E402


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    batch = 64
    X = torch.from_numpy(read_idx(find(root, "train-images-idx3-ubyte")).reshape(-1, 784).astype("float32")) / 255
    X = ((X - X.mean()) / X.std()).contiguous()
    Y = torch.from_numpy(read_idx(find(root, "train-labels-idx1-ubyte")).astype("int64"))
    n = Y.shape[0]

    torch.manual_seed(0)
    w1 = (torch.randn(100, 784) * math.sqrt(2.0 / 784)).requires_grad_()
    b1 = torch.zeros(100).requires_grad_()
    w2 = (torch.randn(10, 100) * math.sqrt(1.0 / 100)).requires_grad_()
    b2 = torch.zeros(10).requires_grad_()
    opt = torch.optim.SGD([w1, b1, w2, b2], lr=0.05, momentum=0.9)

    for epoch in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(n)
        loss_sum, steps = 0.0, 0
        for i in range(0, n - batch + 1, batch):
            idx = perm[i:i + batch]
            xb, yb = X.index_select(0, idx), Y.index_select(0, idx)
            h = torch.relu(xb.matmul(w1.t()) + b1)
            loss = torch.nn.functional.cross_entropy(h.matmul(w2.t()) + b2, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            steps += 1
        print(f"epoch {epoch + 1} seconds {time.perf_counter() - start:.4f} loss {loss_sum / steps:.4f}", flush=True)


if __name__ == "__main__":
    main()
