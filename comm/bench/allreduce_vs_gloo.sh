#!/usr/bin/env bash
# Same-run comparison for BENCHMARKS.md: PyTorch gloo (allreduce_gloo.py from the peer-benchmark
# folder) next to `ringclip bench allreduce` in process mode (one JVM per rank on loopback TCP).
# Per n and per round, back to back: gloo, ours fp32 and, with TCP=1, ours fp32 with every payload on
# TCP (no shared-memory lanes: -Dringclip.comm.shm.dir=off); in round 1 also ours with fp16 on the wire
# and, with OPTHREAD=1, the op-thread ring (the reference path, --op-thread-ring). Rounds interleave the
# two sides, so a slow spell of this shared machine hits both; comm/bench/sweep_table.py prints the
# per-round ratios and the medians. Our runs warm up each size until the JIT has settled (RankBenchmark).
#   usage: comm/bench/allreduce_vs_gloo.sh OUT_DIR [PEER_BENCH_DIR]
#   env:   NS="2 3 4"  ROUNDS=1  SIZES=4K,64K,1M,16M,64M,256M  WARMUP=3  TCP=0  OPTHREAD=0
#   e.g.   ROUNDS=2 flock /tmp/ringclip-bench.lock comm/bench/allreduce_vs_gloo.sh /tmp/sweep && python3 comm/bench/sweep_table.py /tmp/sweep
# Build first: ./mvnw -B -q -pl trainer -am -DskipTests package
set -u
out=${1:?usage: $0 OUT_DIR [PEER_BENCH_DIR]}
peer=${2:-/tmp/peer-bench}          # a writable copy of ../shared/bench
cd "$(dirname "$0")/../.."
mkdir -p "$out"
export RINGCLIP_SKIP_BUILD=1 RINGCLIP_JAVA_OPTS="${RINGCLIP_JAVA_OPTS:--Xmx3g}"
SIZES=${SIZES:-4K,64K,1M,16M,64M,256M}
WARMUP=${WARMUP:-3}
load() { cut -d' ' -f1-3 /proc/loadavg; }
ours() { # name, then extra flags
  local name=$1; shift
  timeout 1200 ./ringclip bench allreduce --world "$n" --sizes "$SIZES" --mode process --warmup-seconds "$WARMUP" \
      "$@" --csv "$out/ringclip_${name}_n${n}_r${r}.csv" > "$out/ringclip_${name}_n${n}_r${r}.out" 2>&1
  echo "ringclip $name done $(date -u +%H:%M:%S) load: $(load)"
}
for n in ${NS:-2 3 4}; do
  for r in $(seq "${ROUNDS:-1}"); do
    echo "=== n=$n round $r $(date -u +%H:%M:%S) load: $(load)"
    (cd "$peer" && timeout 1200 /usr/bin/python3 allreduce_gloo.py --world-sizes "$n" --sizes "$SIZES" \
        --ops all_reduce --max-op-seconds 30 --csv "$out/gloo_n${n}_r${r}.csv") > "$out/gloo_n${n}_r${r}.out" 2>&1
    echo "gloo done $(date -u +%H:%M:%S) load: $(load)"
    ours fp32
    if [[ ${TCP:-0} == 1 ]]; then
      RINGCLIP_JAVA_OPTS="$RINGCLIP_JAVA_OPTS -Dringclip.comm.shm.dir=off" ours fp32tcp
    fi
    if [[ $r == 1 ]]; then
      ours fp16 --wire fp16
      if [[ ${OPTHREAD:-0} == 1 ]]; then ours fp32_opthread --op-thread-ring; fi
    fi
  done
done
