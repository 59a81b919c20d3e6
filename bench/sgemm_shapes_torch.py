#!/usr/bin/python3
"""Peer for `./ringclip bench gemm`: torch.mm (Debian torch 1.13 -> OpenBLAS) GFLOP/s for the
same shapes and transposes, median of timed calls.

Products are [MODE:]MxNxK of C = op(A) op(B), as in `ringclip bench gemm`; a shape without
a mode runs in every mode of --modes. The default list is the same as ringclip's: tiny's
linear layers at batch 256 (image rows 12800, text rows 4096, width 128, MLP 512), each as
forward NT Rxoutxin, dX NN Rxinxout and dW TN outxinxR, one attention head and 1024^3.
Modes match ringclip's GemmKernel:
  NN: A m x k, B k x n            torch.mm(a, b)
  NT: A m x k, B stored n x k     torch.mm(a, b.t())   (linear forward Y = X W^T)
  TN: A stored k x m, B k x n     torch.mm(a.t(), b)   (weight gradient dW = dY^T X)
Transposed operands are views, so OpenBLAS receives the transpose flags and copies nothing.

Threads: OMP_NUM_THREADS and OPENBLAS_NUM_THREADS are set before torch is imported
(torch.set_num_threads alone does not limit OpenBLAS; see /work/shared/bench/sgemm_torch.py).

GFLOP/s = 2*M*N*K / median time; each shape gets 2 warm-up calls, then repeats until
--min-seconds have passed (at least --min-reps calls).

Usage: /usr/bin/python3 bench/sgemm_shapes_torch.py --threads 1
           [--shapes NT:12800x384x128,1024x1024x1024] [--modes NN,NT,TN] [--json FILE]
"""
import argparse
import json
import os
import statistics
import sys
import time


def layer_products(rows, d_in, d_out):
    return ["NT:%dx%dx%d" % (rows, d_out, d_in), "NN:%dx%dx%d" % (rows, d_in, d_out),
            "TN:%dx%dx%d" % (d_out, d_in, rows)]


DEFAULT_PRODUCTS = ",".join(
    sum([layer_products(r, i, o) for r in (12800, 4096) for (i, o) in ((128, 384), (128, 128), (128, 512), (512, 128))], [])
    + ["NT:50x50x32", "NN:50x32x50", "NN:1024x1024x1024", "NT:1024x1024x1024", "TN:1024x1024x1024"])


def parse_products(text, modes):
    products = []
    for spec in text.split(","):
        spec_modes = modes
        if ":" in spec:
            mode, spec = spec.split(":")
            spec_modes = [mode]
        m, n, k = (int(x) for x in spec.lower().replace("\u00d7", "x").split("x"))
        products += [(mode.upper(), m, n, k) for mode in spec_modes]
    return products


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--shapes", default=DEFAULT_PRODUCTS)
    ap.add_argument("--modes", default="NN,NT,TN")
    ap.add_argument("--min-seconds", type=float, default=0.5)
    ap.add_argument("--min-reps", type=int, default=5)
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import torch  # after the environment: OpenBLAS reads it when the library loads
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows = []
    for (mode, m, n, k) in parse_products(args.shapes, args.modes.split(",")):
        a = torch.randn(k, m).t() if mode[0] == "T" else torch.randn(m, k)
        b = torch.randn(n, k).t() if mode[1] == "T" else torch.randn(k, n)
        c = torch.empty(m, n)
        for _ in range(2):
            torch.mm(a, b, out=c)
        times = []
        start = time.perf_counter()
        while len(times) < args.min_reps or time.perf_counter() - start < args.min_seconds:
            t0 = time.perf_counter()
            torch.mm(a, b, out=c)
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        rows.append({"backend": "torch-openblas", "mode": mode, "m": m, "n": n, "k": k,
                     "threads": args.threads, "reps": len(times), "median_ms": med * 1e3,
                     "gflops_median": 2.0 * m * n * k / med / 1e9,
                     "gflops_best": 2.0 * m * n * k / min(times) / 1e9})
    print("torch %s, threads=%d, load avg %s" % (torch.__version__, args.threads,
                                                  " ".join(open("/proc/loadavg").read().split()[:3])))
    print("%-4s %-18s %7s %11s %12s %10s" % ("mode", "shape MxNxK", "threads", "median_ms", "GFLOP/s_med", "GFLOP/s_best"))
    for r in rows:
        print("%-4s %-18s %7d %11.3f %12.1f %10.1f" % (r["mode"], "%dx%dx%d" % (r["m"], r["n"], r["k"]), r["threads"],
                                                     r["median_ms"], r["gflops_median"], r["gflops_best"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
