#!/usr/bin/env python3
"""Markdown table from an allreduce_vs_gloo.sh output folder: per (n, size) gloo's and our p50 time
and busbw, the busbw ratio ours/gloo of every round (at 4 KiB: gloo's p50 / ours, the latency
target), their median, our CPU ms per op (from the .out tables) fp16's effective algbw over fp32's and, if the
folder has TCP-only runs (TCP=1), their busbw ratio to gloo's (median over rounds).
    usage: python3 comm/bench/sweep_table.py OUT_DIR
"""
import csv, glob, os, re, statistics, sys
from collections import defaultdict

out = sys.argv[1]
gloo, ours, fp16, tcp, cpu = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
for path in sorted(glob.glob(os.path.join(out, "gloo_n*_r*.csv"))):
    r = int(re.search(r"_r(\d+)", path).group(1))
    for row in csv.DictReader(open(path)):
        if row["status"] == "ok":
            gloo[(int(row["world"]), int(row["bytes"]))].append((r, float(row["time_us_median"]), float(row["busbw_GBps"])))
for path in sorted(glob.glob(os.path.join(out, "ringclip_fp*_n*_r*.csv"))):
    name = re.search(r"ringclip_(\w+?)_n\d", path).group(1)
    r = int(re.search(r"_r(\d+)", path).group(1))
    target = {"fp32": ours, "fp16": fp16, "fp32tcp": tcp}.get(name)
    if target is None:
        continue
    for row in csv.DictReader(open(path)):
        target[(int(row["world"]), int(row["size_bytes"]))].append((r, float(row["time_p50_us"]), float(row["busbw_gbps"])))
    if name == "fp32":  # CPU per op is in the printed table's last column
        n = int(re.search(r"_n(\d+)", path).group(1))
        for line in open(path[:-4] + ".out"):
            f = line.split()
            if len(f) == 8 and f[0].isdigit():
                cpu[(n, int(f[0]))].append(float(f[7]))

def tcp_cells(key, g):
    t = {r: (tm, bw) for r, tm, bw in tcp.get(key, [])}
    rounds = sorted(set(g) & set(t))
    if not rounds:
        return " | |"
    ratios = [g[r][0] / t[r][0] if key[1] <= 4096 else t[r][1] / g[r][1] for r in rounds]
    return f" {' / '.join(f'{x:.2f}' for x in ratios)} | {statistics.median(ratios):.2f} |"

def human(b):
    return f"{b >> 20} MiB" if b >= 1 << 20 else f"{b >> 10} KiB"

print("| n | size | gloo p50 µs | gloo busbw | ours p50 µs | ours busbw | ratio per round | **median ratio** | ours CPU ms/op | fp16/fp32 algbw |"
      + (" TCP only: ratio per round | TCP only: median |" if tcp else ""))
print("|---|---|---:|---:|---:|---:|---|---:|---:|---:|" + ("---|---:|" if tcp else ""))
for key in sorted(set(gloo) & set(ours)):
    n, size = key
    g = {r: (t, bw) for r, t, bw in gloo[key]}
    o = {r: (t, bw) for r, t, bw in ours[key]}
    rounds = sorted(set(g) & set(o))
    ratios = [g[r][0] / o[r][0] if size <= 4096 else o[r][1] / g[r][1] for r in rounds]
    gt = statistics.median(t for t, _ in g.values()); gb = statistics.median(b for _, b in g.values())
    ot = statistics.median(t for t, _ in o.values()); ob = statistics.median(b for _, b in o.values())
    h = fp16.get(key)
    half = f"{statistics.median(t for _, t, _ in ours[key]) / statistics.median(t for _, t, _ in h):.2f}" if h else ""
    c = f"{statistics.median(cpu[key]):.1f}" if cpu.get(key) else ""
    print(f"| {n} | {human(size)} | {gt:.0f} | {gb:.3f} | {ot:.0f} | {ob:.3f} | {' / '.join(f'{x:.2f}' for x in ratios)} "
          f"| **{statistics.median(ratios):.2f}** | {c} | {half} |" + (tcp_cells(key, g) if tcp else ""))
