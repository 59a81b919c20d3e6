#!/usr/bin/python3
"""Side-by-side table of `ringclip bench gemm --json` and bench/sgemm_shapes_torch.py --json
results from interleaved rounds.

For each product and thread count: the median over rounds of each backend's per-round median
GFLOP/s, and the ratio ringclip / torch-OpenBLAS. A geometric mean of the ratios closes each table.

Usage: python3 bench/gemm_compare.py DIR   (DIR holds java-t{T}-r{R}.json and torch-t{T}-r{R}.json)
"""
import glob
import json
import math
import os
import statistics
import sys


def load(pattern):
    by_key = {}
    for path in sorted(glob.glob(pattern)):
        for r in json.load(open(path)):
            key = (r["threads"], r["mode"], r["m"], r["n"], r["k"])
            by_key.setdefault(key, []).append(r["gflops_median"])
    return by_key


def main():
    d = sys.argv[1]
    java = load(os.path.join(d, "java-t*-r*.json"))
    torch = load(os.path.join(d, "torch-t*-r*.json"))
    for threads in sorted({k[0] for k in java}):
        print("\n%d thread%s: GFLOP/s, median over %d rounds of per-round medians" % (
            threads, "" if threads == 1 else "s", len(next(iter(java.values())))))
        print("| mode | M×N×K | ringclip | torch/OpenBLAS | ratio |")
        print("|---|---|---:|---:|---:|")
        ratios = []
        for key in [k for k in java if k[0] == threads]:
            if key not in torch:
                continue
            j, t = statistics.median(java[key]), statistics.median(torch[key])
            ratios.append(j / t)
            print("| %s | %d×%d×%d | %.1f | %.1f | %.2f |" % (key[1], key[2], key[3], key[4], j, t, j / t))
        print("| | geometric mean of ratios | | | **%.2f** |" % math.exp(sum(map(math.log, ratios)) / len(ratios)))


if __name__ == "__main__":
    main()
