#!/usr/bin/env python3
"""Steady-state throughput and comm-wait share of a ringclip run, from its metrics.jsonl.

Reads the "train" lines (written by rank 0, see io.ringclip.trainer.loop.RunRecorder) and
leaves out the first --skip steps (JIT warm-up, first allocations):
  samples/s       = sum(samples) / sum(step_ms)      (rank 0's step time, all ranks' samples)
  comm-wait share = sum(comm_wait_ms) / sum(step_ms) (time blocked on gradient sync after backward)
Also prints the median step time, so a noisy outlier step is visible.

  python3 trainer/bench/metrics_summary.py [--skip 10] RUN_DIR/metrics.jsonl
"""
import argparse
import json
import statistics
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip", type=int, default=10, help="warm-up steps left out (default 10)")
    ap.add_argument("metrics")
    a = ap.parse_args()
    rows = []
    with open(a.metrics) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") == "train" and r["step"] > a.skip:
                rows.append(r)
    if not rows:
        sys.exit(f"no train steps after --skip={a.skip} in {a.metrics}")
    step_ms = sum(r["step_ms"] for r in rows)
    samples = sum(r["samples"] for r in rows)
    wait_ms = sum(r["comm_wait_ms"] for r in rows)
    print(f"steady state: steps={rows[0]['step']}..{rows[-1]['step']} ({len(rows)}) "
          f"samples_per_s={samples * 1000.0 / step_ms:.1f} comm_wait_share={100.0 * wait_ms / step_ms:.1f}% "
          f"median_step_ms={statistics.median(r['step_ms'] for r in rows):.0f} "
          f"mean_comm_wait_ms={wait_ms / len(rows):.1f} last_loss={rows[-1]['loss']:.4f}")


if __name__ == "__main__":
    main()
