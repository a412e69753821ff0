#!/usr/bin/env python3
"""The cost model of data-parallel training in docs/distributed.md: what one training step costs on
N processes that each compute on their share of the batch and then average gradients by a ring
allreduce in buckets, overlapped with backward.

    python3 bench/compare/cost_model.py                       # projections for 8 and 64 nodes
    python3 bench/compare/cost_model.py --check mlp 79510 0.000091 0.000016 0.000146 \\
        --alpha-us 0.65 --bus-gbps 12                          # against a 2-rank measurement

Per step, for N processes, a gradient of S bytes in buckets S_1..S_b (reverse layer order):
    allreduce(N, s) = 2 (N-1) alpha + 2 (N-1)/N s / beta      (ring: 2(N-1) steps of s/N bytes)
    comm            = sum over buckets of allreduce(N, S_i)
    exposed         = max(allreduce(N, S_b), comm - 2/3 compute)   with overlap: the buckets travel
                      while backward (about 2/3 of the step's compute) goes on, all but the last
    no overlap      = comm
    step            = compute(batch / N) + copies + exposed
alpha is the latency of one message, beta the link's bandwidth per direction. Standard library only.
"""
import argparse

MIB = 1024 * 1024


def allreduce(n, size, alpha, beta):
    return 2 * (n - 1) * alpha + 2 * (n - 1) / n * size / beta if n > 1 else 0.0


def buckets(total, cap):
    full, rest = divmod(total, cap)
    return [cap] * int(full) + ([rest] if rest else [])


def step(n, grad_bytes, compute, copies, alpha, beta, cap, overlap=True):
    b = buckets(grad_bytes, cap)
    comm = sum(allreduce(n, s, alpha, beta) for s in b)
    exposed = max(allreduce(n, b[-1], alpha, beta), comm - 2 / 3 * compute) if overlap else comm
    return compute + copies + exposed, comm


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--alpha-us", type=float, default=30.0, help="latency of one message, microseconds (TCP: ~30)")
    p.add_argument("--bucket-mb", type=float, nargs="+", default=[2.0, 25.0],
                   help="DistributedDataParallelOptions::bucket_cap_mb (ember's default 2; PyTorch's 25)")
    p.add_argument("--bus-gbps", type=float, default=None,
                   help="with --check: the measured bus bandwidth in GB/s (bench/allreduce_bench)")
    p.add_argument("--check", nargs=5, metavar=("MODEL", "PARAMS", "COMPUTE_S", "COPIES_S", "MEASURED_S"),
                   help="a 2-rank measurement: the step's compute on the half batch in one process, the "
                        "bucket copies, and the measured 2-rank step, all in seconds")
    args = p.parse_args()
    alpha = args.alpha_us * 1e-6

    if args.check:
        model, params, compute, copies, measured = args.check
        beta = args.bus_gbps * 1e9  # bus bandwidth: 2 (N-1)/N bytes / time, the beta of the formula
        predicted, comm = step(2, int(params) * 4, float(compute), float(copies), alpha, beta, args.bucket_mb[0] * MIB)
        print(f"{model}: 2 ranks, predicted step {predicted * 1e3:.3f} ms (compute {float(compute) * 1e3:.3f}, copies "
              f"{float(copies) * 1e3:.3f}, allreduce {comm * 1e3:.3f}), measured {float(measured) * 1e3:.3f} ms "
              f"({float(measured) / predicted:.2f}x the prediction)")
        return

    # Weak scaling: every node keeps its batch, so compute per step stays; only communication grows.
    models = [
        # name, parameters, compute seconds per step per node, what that compute is
        ("ResNet-20", 272186, 0.274, "batch 128 on one core of this machine (measured, 1 thread)"),
        ("ResNet-50-sized", 25_557_032, 0.39, "batch 32 at 224x224 on a node doing 1 TFLOP/s (12.3 GFLOP/image)"),
    ]
    print(f"alpha {args.alpha_us} us per message; weak scaling (the batch per node is fixed)")
    print(f"{'model':16} {'link':>8} {'nodes':>5} {'bucket MiB':>10} {'allreduce ms':>12} {'step ms, no overlap':>20} "
          f"{'step ms, overlap':>17} {'efficiency':>10}")
    for name, params, compute, what in models:
        for gbit in (10, 100):
            beta = gbit / 8 * 1e9
            for n in (8, 64):
                for mb in args.bucket_mb:
                    overlapped, comm = step(n, params * 4, compute, 0, alpha, beta, mb * MIB)
                    plain, _ = step(n, params * 4, compute, 0, alpha, beta, mb * MIB, overlap=False)
                    print(f"{name:16} {gbit:5} Gb {n:5} {mb:10g} {comm * 1e3:12.1f} {plain * 1e3:20.1f} "
                          f"{overlapped * 1e3:17.1f} {compute / overlapped:9.0%}")
        print(f"  ({name}: {params:,} parameters, {params * 4 / MIB:.1f} MiB of float32 gradients; compute "
              f"{compute * 1e3:.0f} ms per step: {what})")


if __name__ == "__main__":
    main()
