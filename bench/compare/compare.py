#!/usr/bin/env python3
"""Runs ember and its peers on the same workloads in one run and prints medians and ratios.

    python3 bench/compare/compare.py [--build build] [--threads 1 2] [--fashion DIR] [--reps 5] [--only bf16|steps|tensor-api]

Peers: OpenBLAS (GEMM only, build/bench/openblas_bench, with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset so it picks its own kernel), PyTorch (/usr/bin/python3 with Debian's
python3-torch: torch_bench.py and torch_train.py) and, when libtorch-dev is installed, the libtorch
C++ frontend (build/bench/libtorch_bench) on the fc, MLP-step and CNN-step workloads, the
hand-written tensor-API MLP loop (tensor_api_mlp.cpp, one source built against ember and libtorch,
and torch_tensor_api_mlp.py) and the small ops' overhead (op_overhead.cpp). Ratios are
ember/peer: for GFLOP/s higher is better, for time and memory lower is better. The MLP epoch on
Fashion-MNIST is the median of epochs 2-4 over --reps training runs per side, the CNN (LeNet-5)
epoch the median of epoch 2 over --reps runs (training plus the test-set evaluation on both), and
the last lines compare each side at its best thread count. Standard library only.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def env_for(threads):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    return env


# libtorch and PyTorch (Debian's builds) call the BLAS behind the libblas.so.3 alternative. Without
# libopenblas-dev that is the netlib reference BLAS, whose GEMMs run 10-20x slower: every ratio
# against the peers would then measure the wrong library.
PEER_BLAS_PROBE = r"""
import ctypes, os, torch
# sgemm_ as libtorch_cpu resolves it (dlsym on its handle searches it and its dependencies in
# load order), then the mapped file that holds that address.
torch_cpu = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so")
if not os.path.exists(torch_cpu):
    torch_cpu = next(l.split()[-1] for l in open("/proc/self/maps") if "libtorch_cpu" in l)
address = ctypes.cast(ctypes.CDLL(torch_cpu).sgemm_, ctypes.c_void_p).value
for line in open("/proc/self/maps"):
    span, path = line.split()[0], line.split()[-1]
    low, high = (int(x, 16) for x in span.split("-"))
    if low <= address < high:
        break
name = ""
try:
    get = ctypes.CDLL(path).openblas_get_corename
    get.restype = ctypes.c_char_p
    name = "OpenBLAS, core " + get().decode()
except (AttributeError, OSError):
    pass
print(path + "\t" + name)
"""


def peer_blas():
    """(path, description) of the BLAS that PyTorch's process loads, in the environment the peers
    run in; description is empty unless it is OpenBLAS."""
    out = subprocess.run(["/usr/bin/python3", "-c", PEER_BLAS_PROBE], env=env_for(1), capture_output=True, text=True,
                         check=True)
    path, _, name = out.stdout.strip().partition("\t")
    return path, name


def google_benchmark(binary, pattern, threads, reps):
    out = subprocess.run([binary, f"--benchmark_filter={pattern}", f"--benchmark_repetitions={reps}",
                          "--benchmark_report_aggregates_only=true", "--benchmark_format=json",
                          "--benchmark_min_time=0.1"], env=env_for(threads), capture_output=True, text=True, check=True)
    results = {}
    for b in json.loads(out.stdout)["benchmarks"]:
        # One repetition reports no aggregates: its single run is the median.
        if b.get("aggregate_name") == "median" or (reps == 1 and b.get("run_type") == "iteration"):
            results[b["run_name"]] = b
    return results


def seconds(result):
    """A Google Benchmark result's real time in seconds."""
    return result["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[result["time_unit"]]


def torch_bench(threads, only=None):
    out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "torch_bench.py"), "--threads", str(threads)] +
                         (["--only", only] if only else []), env=env_for(threads), capture_output=True, text=True,
                         check=True)
    return {r["name"]: r for r in map(json.loads, out.stdout.splitlines())}


def max_rss_mb(cmd, threads):
    """Peak resident memory of a command, measured from a fresh wrapper process."""
    probe = ("import resource, subprocess, sys; "
             "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe] + cmd, env=env_for(threads), capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


# Epochs per training run; the first (caches and allocator warming up) is left out. The CNN's
# epochs take seconds, so its runs are shorter.
EPOCHS = {"mlp": 4, "cnn": 2}


def warm_epoch_median(reps, one_run):
    """Median over `reps` calls of one_run() (a training run returning its epochs' seconds) of
    every epoch but the first."""
    return statistics.median(t for _ in range(reps) for t in one_run()[1:])


def epoch_seconds_ember(build, data, model, threads, reps, extra=()):
    """`ember train`, from its CSV's seconds column (training plus the validation split)."""
    def one_run():
        subprocess.run([os.path.join(build, "cli", "ember"), "train", "--data", data, "--model", model, "--epochs",
                        str(EPOCHS[model]), "--schedule", "none", "--threads", str(threads),
                        "--out", "/tmp/ember_compare_epoch.safetensors", *extra], env=env_for(threads), check=True,
                       stdout=subprocess.DEVNULL)
        return [float(r.split(",")[-1]) for r in open("/tmp/ember_compare_epoch.csv").read().splitlines()[1:]]
    return warm_epoch_median(reps, one_run)


def epoch_seconds_torch(data, model, threads, reps):
    """torch_train.py, from its epoch_seconds (training plus the test-set evaluation, as ember's)."""
    def one_run():
        out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "torch_train.py"), "--data", data, "--model", model,
                              "--epochs", str(EPOCHS[model]), "--threads", str(threads)], env=env_for(threads),
                             capture_output=True, text=True, check=True)
        return [float(l.split("epoch_seconds ")[1].split()[0]) for l in out.stdout.splitlines() if l.startswith("seed")]
    return warm_epoch_median(reps, one_run)


def tensor_api_run(cmd, data, threads):
    """One training run of the hand-written tensor-API MLP loop (tensor_api_mlp.cpp against ember or
    libtorch, or its PyTorch twin): its epochs' seconds, from the "epoch E seconds S" lines it prints."""
    out = subprocess.run(cmd + [data, str(EPOCHS["mlp"]), str(threads)], env=env_for(threads), capture_output=True,
                         text=True, check=True)
    return [float(l.split()[3]) for l in out.stdout.splitlines() if l.startswith("epoch")]


def tensor_api_table(build, data, threads, reps):
    """The tensor-API MLP epoch against libtorch's and PyTorch's; returns ember's. The three sides
    take turns, one training run each per round, so that the machine's speed drifting over the
    minutes this takes moves all three alike; the ratios are medians of each round's ratio."""
    bench_dir = os.path.join(build, "bench")
    sides = {"ember": [os.path.join(bench_dir, "tensor_api_mlp_ember")],
             "torch": ["/usr/bin/python3", os.path.join(HERE, "torch_tensor_api_mlp.py")]}
    if os.path.exists(os.path.join(bench_dir, "tensor_api_mlp_libtorch")):
        sides["libtorch"] = [os.path.join(bench_dir, "tensor_api_mlp_libtorch")]
    rounds = [{side: statistics.median(tensor_api_run(cmd, data, threads)[1:]) for side, cmd in sides.items()}
              for _ in range(reps)]
    median = {side: statistics.median(r[side] for r in rounds) for side in sides}
    ratio = {side: statistics.median(r["ember"] / r[side] for r in rounds) for side in sides}
    median.setdefault("libtorch", float("nan"))
    ratio.setdefault("libtorch", float("nan"))
    print(f"\n{'workload':34} {'ember':>9} {'torch':>9} {'libtorch':>9}  {'e/torch':>8} {'e/libtorch':>10}   (median time)")
    print(f"{'tensor-API MLP epoch (s)':34} {median['ember']:9.3f} {median['torch']:9.3f} {median['libtorch']:9.3f}  "
          f"{ratio['torch']:8.2f} {ratio['libtorch']:10.2f}", flush=True)
    if reps > 1:
        print(f"{'  e/libtorch per round':34} " + " ".join(f"{r['ember'] / r.get('libtorch', float('nan')):.2f}"
                                                         for r in rounds), flush=True)
    return median["ember"]


def op_overhead_table(build, threads, reps):
    """The small ops of op_overhead.cpp, ember against libtorch (ns per op)."""
    ember = google_benchmark(os.path.join(build, "bench", "op_overhead_ember"), "BM_Op", threads, reps)
    libtorch_bin = os.path.join(build, "bench", "op_overhead_libtorch")
    libtorch = google_benchmark(libtorch_bin, "BM_Op", threads, reps) if os.path.exists(libtorch_bin) else {}
    print(f"\n{'per-op overhead, 4 x 4 tensors':34} {'ember':>9} {'libtorch':>9}  {'e/libtorch':>10}   (ns, median)")
    ratios = []
    for name, b in ember.items():
        e_ns = seconds(b) * 1e9
        l_ns = seconds(libtorch[name]) * 1e9 if name in libtorch else float("nan")
        ratios.append(e_ns / l_ns)
        print(f"{name.replace('BM_Op', ''):34} {e_ns:9.0f} {l_ns:9.0f}  {e_ns / l_ns:10.2f}")
    print(f"{'geometric mean of the ratios':34} {'':9} {'':9}  {statistics.geometric_mean(ratios):10.2f}")


def bf16_table(ember, torch):
    """ember's bfloat16 GEMM (BM_GemmBf16) against torch.mm on bfloat16 tensors, same shapes."""
    print(f"\n{'bf16 GEMM (M x N x K, ta, tb)':34} {'ember':>9} {'torch':>9}  {'e/torch':>8}   (GFLOP/s)")
    for name, b in ember.items():
        if not name.startswith("BM_GemmBf16/"):
            continue
        dims = dict(kv.split(":") for kv in name.replace("BM_GemmBf16/", "").replace("/real_time", "").split("/"))
        tname = f"gemm_bf16/{dims['M']}x{dims['N']}x{dims['K']}/ta{dims['ta']}tb{dims['tb']}"
        t_g = torch[tname]["gflops"] if tname in torch else float("nan")
        label = f"{dims['M']}x{dims['N']}x{dims['K']} {dims['ta']}{dims['tb']}"
        print(f"{label:34} {b['GFLOPS']:9.1f} {t_g:9.1f}  {b['GFLOPS'] / t_g:8.2f}   ({b.get('pct_peak', 0):.0f}% of bf16 peak)")


def steps_table(ember, torch):
    """Training steps (BM_ResNet20Step, BM_BnCnnStep) in float32 and under bfloat16 autocast, against
    the same steps in PyTorch (torch.autocast("cpu", dtype=torch.bfloat16) for bf16)."""
    print(f"\n{'training step (ms, median)':40} {'ember':>9} {'torch':>9}  {'e/torch':>8}  {'bf16 speed-up, e / torch':>24}")
    for bench, tname, label in (("BM_ResNet20Step", "resnet20/step", "ResNet-20, batch 128"),
                                ("BM_BnCnnStep", "bn_cnn/step", "BatchNorm CNN, batch 256")):
        e32, e16 = (seconds(ember[f"{bench}/bf16:{b}/real_time"]) * 1e3 for b in (0, 1))
        t32, t16 = torch[tname]["seconds"] * 1e3, torch[tname + "_bf16"]["seconds"] * 1e3
        print(f"{label + ', float32':40} {e32:9.1f} {t32:9.1f}  {e32 / t32:8.2f}")
        print(f"{label + ', bf16 autocast':40} {e16:9.1f} {t16:9.1f}  {e16 / t16:8.2f}  "
              f"{e32 / e16:17.2f} / {t32 / t16:.2f}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--fashion", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--reps", type=int, default=5, help="repetitions per benchmark (the median is shown)")
    p.add_argument("--models", nargs="+", choices=["mlp", "cnn"], default=["mlp", "cnn"], help="epochs to time")
    p.add_argument("--only", choices=["bf16", "steps", "tensor-api"],
                   help="print only this table (bf16: the bfloat16 GEMM against PyTorch's; steps: ResNet-20 and "
                        "BatchNorm CNN training steps in float32 and bf16 autocast against PyTorch's; tensor-api: the "
                        "hand-written MLP loop's epoch against libtorch's and PyTorch's)")
    p.add_argument("--allow-reference-blas", action="store_true",
                   help="compare even when the peers load the netlib reference BLAS (their GEMMs then run 10-20x slower)")
    args = p.parse_args()
    blas_path, blas_name = peer_blas()
    print(f"peers' BLAS: {blas_path}" + (f" ({blas_name})" if blas_name else ""))
    if not blas_name and not args.allow_reference_blas:
        sys.exit(f"compare.py: PyTorch and libtorch load {blas_path}, not OpenBLAS, so their GEMMs would run 10-20x "
                 "slower than they do for their users. Install libopenblas-dev (it becomes the libblas.so.3 "
                 "alternative), or pass --allow-reference-blas to compare anyway.")
    ember_bench = os.path.join(args.build, "bench", "ember_bench")
    openblas_bench = os.path.join(args.build, "bench", "openblas_bench")
    libtorch_bench = os.path.join(args.build, "bench", "libtorch_bench")

    epochs = {}  # (model, threads) -> (ember seconds, torch seconds)
    core_to_core = os.path.join(args.build, "bench", "core_to_core")
    for t in args.threads:
        print(f"\n=== {t} thread(s) ===")
        if t > 1 and os.path.exists(core_to_core):  # the host's placement of the cores, which 2-thread figures follow
            print(subprocess.run([core_to_core], capture_output=True, text=True, check=True).stdout.strip())
        if args.only == "bf16":
            bf16_table(google_benchmark(ember_bench, "BM_GemmBf16", t, args.reps), torch_bench(t, "gemm_bf16"))
            continue
        if args.only == "steps":
            steps_table(google_benchmark(ember_bench, "BM_ResNet20Step|BM_BnCnnStep", t, args.reps),
                        torch_bench(t, "steps"))
            continue
        if args.only == "tensor-api":
            if not os.path.isfile(os.path.join(args.fashion, "train-images-idx3-ubyte.gz")):
                sys.exit(f"compare.py: --only tensor-api trains on Fashion-MNIST, not found in {args.fashion} "
                         "(install dataset-fashion-mnist, or pass --fashion DIR)")
            tensor_api_table(args.build, args.fashion, t, args.reps)
            continue
        ember = google_benchmark(ember_bench, "BM_Gemm/auto|BM_GemmBf16|BM_Fc|BM_MlpStep/cache:1|BM_CnnStep|"
                                 "BM_ResNet20Step|BM_BnCnnStep", t, args.reps)
        blas = google_benchmark(openblas_bench, "BM_OpenBlas", t, args.reps) if os.path.exists(openblas_bench) else {}
        torch = torch_bench(t)
        libtorch = google_benchmark(libtorch_bench, "BM_Libtorch", t, args.reps) if os.path.exists(libtorch_bench) else {}
        print(f"{'GEMM (M x N x K, ta, tb)':34} {'ember':>9} {'OpenBLAS':>9} {'torch':>9}  {'e/OpenBLAS':>10} {'e/torch':>8}   (GFLOP/s)")
        for name, b in ember.items():
            if not name.startswith("BM_Gemm/auto/"):
                continue
            shape = name.split("auto/")[1].replace("/real_time", "")
            dims = dict(kv.split(":") for kv in shape.split("/"))
            o = blas.get("BM_OpenBlasGemm/" + shape + "/real_time")
            tname = f"gemm/{dims['M']}x{dims['N']}x{dims['K']}/ta{dims['ta']}tb{dims['tb']}"
            e_g = b["GFLOPS"]
            o_g = o["GFLOPS"] if o else float("nan")
            t_g = torch[tname]["gflops"] if tname in torch else float("nan")
            label = f"{dims['M']}x{dims['N']}x{dims['K']} {dims['ta']}{dims['tb']}"
            print(f"{label:34} {e_g:9.1f} {o_g:9.1f} {t_g:9.1f}  {e_g / o_g:10.2f} {e_g / t_g:8.2f}   ({b.get('pct_peak', 0):.0f}% of peak)")
        bf16_table(ember, torch)
        print(f"\n{'workload':34} {'ember':>9} {'torch':>9} {'libtorch':>9}  {'e/torch':>8} {'e/libtorch':>10}   (median time)")
        for ename, tname, lname, unit, scale in (
                ("BM_FcForward/real_time", "fc/forward", "BM_LibtorchFcForward/real_time", "ms", 1e3),
                ("BM_FcBackward/real_time", "fc/backward", "BM_LibtorchFcBackward/real_time", "ms", 1e3),
                ("BM_MlpStep/cache:1/real_time", "mlp/step", "BM_LibtorchMlpStep/real_time", "us", 1e6),
                ("BM_CnnStep/real_time", "cnn/step", "BM_LibtorchCnnStep/real_time", "ms", 1e3)):
            e_s = seconds(ember[ename])
            t_s = torch[tname]["seconds"]
            l_s = seconds(libtorch[lname]) if lname in libtorch else float("nan")
            print(f"{tname + ' (' + unit + ')':34} {e_s * scale:9.2f} {t_s * scale:9.2f} {l_s * scale:9.2f}"
                  f"  {e_s / t_s:8.2f} {e_s / l_s:10.2f}")
        steps_table(ember, torch)
        if not os.path.isdir(args.fashion):
            continue
        op_overhead_table(args.build, t, args.reps)
        if "mlp" in args.models:
            e_api = tensor_api_table(args.build, args.fashion, t, args.reps)
        for model in args.models:
            e_epoch = epoch_seconds_ember(args.build, args.fashion, model, t, args.reps)
            t_epoch = epoch_seconds_torch(args.fashion, model, t, args.reps)
            epochs[model, t] = (e_epoch, t_epoch)
            label = f"{model.upper()} epoch, Fashion-MNIST 60k (s)"
            print(f"{label:34} {e_epoch:9.3f} {t_epoch:9.3f} {'-':>9}  {e_epoch / t_epoch:8.2f}")
            if model == "mlp":  # the same work as the tensor-API loop: all 60k examples trained on, none held out
                e_all = epoch_seconds_ember(args.build, args.fashion, model, t, args.reps, ["--valid-split", "0"])
                print(f"{'  ember train --valid-split 0 (s)':34} {e_all:9.3f}")
                print(f"{'  tensor-API epoch / that':34} {e_api / e_all:9.2f}")
        if "mlp" in args.models:
            e_rss = max_rss_mb([os.path.join(args.build, "cli", "ember"), "train", "--data", args.fashion, "--epochs", "1",
                                "--threads", str(t), "--out", "/tmp/ember_compare_rss.safetensors"], t)
            t_rss = max_rss_mb(["/usr/bin/python3", os.path.join(HERE, "torch_train.py"), "--data", args.fashion,
                                "--epochs", "1", "--threads", str(t)], t)
            print(f"{'peak RSS of an MLP epoch (MB)':34} {e_rss:9.0f} {t_rss:9.0f} {'-':>9}  {e_rss / t_rss:8.2f}")
    # The target compares each side at its best setting (PyTorch is fastest on 1 thread).
    for model in args.models:
        runs = {t: epochs[m, t] for (m, t) in epochs if m == model}
        if not runs:
            continue
        e_t = min(runs, key=lambda t: runs[t][0])
        t_t = min(runs, key=lambda t: runs[t][1])
        e_best, t_best = runs[e_t][0], runs[t_t][1]
        print(f"\n{model.upper()} epoch, each at its best thread count: ember {e_best:.3f} s ({e_t} threads), "
              f"torch {t_best:.3f} s ({t_t} threads): ratio {e_best / t_best:.2f}", end="")
    print()


if __name__ == "__main__":
    main()
