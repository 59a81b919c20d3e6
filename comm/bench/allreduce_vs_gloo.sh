#!/usr/bin/env bash
# Same-run comparison for BENCHMARKS.md: PyTorch gloo (allreduce_gloo.py from the peer-benchmark
# folder) next to `ringclip bench allreduce` in process mode (one JVM per rank on loopback TCP):
# the arrival-driven ring (default) with fp32 and fp16 on the wire, and the op-thread ring (the
# reference path, --op-thread-ring, what ringclip ran before) with fp32. n = 2, 3, 4 by default;
# per n the four runs follow each other. Our runs warm up 3 s per size (JIT, see BENCHMARKS.md).
#   usage: comm/bench/allreduce_vs_gloo.sh OUT_DIR [PEER_BENCH_DIR]
#   e.g.   for n in 2 3 4; do NS=$n flock /tmp/ringclip-bench.lock comm/bench/allreduce_vs_gloo.sh /tmp/sweep; done
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
for n in ${NS:-2 3 4}; do
  echo "=== n=$n $(date -u +%H:%M:%S) load: $(load)"
  (cd "$peer" && timeout 900 /usr/bin/python3 allreduce_gloo.py --world-sizes "$n" --sizes "$SIZES" \
      --ops all_reduce --max-op-seconds 30 --csv "$out/gloo_n$n.csv") > "$out/gloo_n$n.out" 2>&1
  echo "gloo done $(date -u +%H:%M:%S) load: $(load)"
  timeout 900 ./ringclip bench allreduce --world "$n" --sizes "$SIZES" --mode process --warmup-seconds "$WARMUP" \
      --csv "$out/ringclip_fp32_n$n.csv" > "$out/ringclip_fp32_n$n.out" 2>&1
  echo "ringclip fp32 done $(date -u +%H:%M:%S) load: $(load)"
  timeout 900 ./ringclip bench allreduce --world "$n" --sizes "$SIZES" --mode process --warmup-seconds "$WARMUP" \
      --wire fp16 --csv "$out/ringclip_fp16_n$n.csv" > "$out/ringclip_fp16_n$n.out" 2>&1
  echo "ringclip fp16 done $(date -u +%H:%M:%S) load: $(load)"
  timeout 900 ./ringclip bench allreduce --world "$n" --sizes "$SIZES" --mode process --warmup-seconds "$WARMUP" \
      --op-thread-ring --csv "$out/ringclip_fp32_opthread_n$n.csv" > "$out/ringclip_fp32_opthread_n$n.out" 2>&1
  echo "ringclip fp32 op-thread done $(date -u +%H:%M:%S) load: $(load)"
done
