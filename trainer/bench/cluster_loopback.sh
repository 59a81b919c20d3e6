#!/usr/bin/env bash
# One cluster job on loopback, no Docker: a `ringclip coordinator` JVM and N `ringclip worker`
# JVMs on 127.0.0.1 (as integration-tests' ElasticLoopbackIT starts them), the job submitted with
# `ringclip admin submit`. Prints rank 0's steady-state samples/s and comm-wait share from the
# run's metrics.jsonl (trainer/bench/metrics_summary.py) and whether any worker logged SEVERE.
#
#   trainer/bench/cluster_loopback.sh [options]
#     --workers N      worker processes (default 2)
#     --steps S        optimizer steps (default 40)
#     --batch B        samples per worker per step (default 32)
#     --bucket-mb M    gradient bucket size in MiB (default: the job spec's default)
#     --no-overlap     allreduce only after backward (job spec `overlap: false`)
#     --threads T      matmul threads per worker (default max(1, cores / N))
#     --skip S         warm-up steps left out of the steady-state numbers (default 10)
#     --out DIR        where logs and run dirs go (default /tmp/ringclip-loopback-<N>w)
#
# Build first (`./mvnw -B -q -pl trainer -am package -Dmaven.test.skip=true`); the script runs
# the existing distribution with RINGCLIP_SKIP_BUILD=1. All processes it starts are killed at exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

workers=2 steps=40 batch=32 bucket_mb="" overlap=true threads="" skip=10 out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --bucket-mb) bucket_mb="$2"; shift 2 ;;
    --no-overlap) overlap=false; shift ;;
    --threads) threads="$2"; shift 2 ;;
    --skip) skip="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
cores="$(nproc)"
threads="${threads:-$(( cores / workers > 0 ? cores / workers : 1 ))}"
out="${out:-/tmp/ringclip-loopback-${workers}w}"
rm -rf "$out" && mkdir -p "$out"

export RINGCLIP_SKIP_BUILD=1
export RINGCLIP_JAVA_OPTS="${RINGCLIP_JAVA_OPTS:--Xmx768m}"
rc="$root/ringclip"
job_token="loopback-job-token"
admin_token="loopback-admin-token"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

"$rc" coordinator --port "$port" --job-token "$job_token" --admin-token "$admin_token" \
    --min-workers "$workers" --join-timeout 1s --heartbeat-timeout 10s >"$out/coordinator.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do
  grep -q "ringclip coordinator listening" "$out/coordinator.log" 2>/dev/null && break
  sleep 0.25
done
grep -q "ringclip coordinator listening" "$out/coordinator.log" || { echo "coordinator did not start" >&2; cat "$out/coordinator.log" >&2; exit 1; }

{
  echo "model: tiny"
  echo "loss: clip"
  echo "precision: fp32"
  echo "data: synthetic:4096"
  echo "batch: $batch"
  echo "overlap: $overlap"
  [[ -n "$bucket_mb" ]] && echo "bucket-mb: $bucket_mb"
  echo "eval-every: 0"
} >"$out/job.yaml"
"$rc" admin submit "$out/job.yaml" --name loopback --steps "$steps" --min-workers "$workers" --max-workers "$workers" \
    --coordinator "127.0.0.1:$port" --admin-token "$admin_token" >"$out/submit.log" 2>&1

start_ns="$(date +%s%N)"
wpids=()
for i in $(seq 0 $(( workers - 1 ))); do
  "$rc" worker --coordinator "127.0.0.1:$port" --token "$job_token" --host 127.0.0.1 --worker-id "w$i" \
      --out "$out/w$i" --threads "$threads" --ring-timeout 300s >"$out/worker-$i.log" 2>&1 &
  pids+=($!)
  wpids+=($!)
done
status=0
for p in "${wpids[@]}"; do wait "$p" || status=$?; done
wall_ms="$(( ($(date +%s%N) - start_ns) / 1000000 ))"
if [[ $status -ne 0 ]]; then
  echo "a worker failed: exit=$status (logs in $out)" >&2
  tail -n 20 "$out"/worker-*.log >&2
  exit 1
fi

metrics="$(find "$out" -name metrics.jsonl -size +0 | head -n 1)"
[[ -n "$metrics" ]] || { echo "no metrics.jsonl under $out" >&2; exit 1; }
severe="$(cat "$out"/worker-*.log | grep -c 'SEVERE' || true)"
echo "loopback: workers=$workers threads_per_worker=$threads batch=$batch steps=$steps overlap=$overlap" \
     "bucket_mb=${bucket_mb:-default} wall_ms_workers=$wall_ms severe_log_lines=$severe report=$(dirname "$metrics")/report.html"
python3 "$here/metrics_summary.py" --skip "$skip" "$metrics"
