#!/usr/bin/env bash
# Interleaved GEMM rounds: ringclip's kernel, then torch.mm (OpenBLAS), at 1 then 2 threads,
# for each round, so both backends see the same machine load. Summarise with
#   python3 bench/gemm_compare.py OUT
# Usage: [THREADS="1 2"] bench/gemm_rounds.sh OUT [ROUNDS (default 5)] [extra args for both, e.g. --shapes ...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"; rounds="${2:-5}"; shift $(( $# >= 2 ? 2 : 1 ))
mkdir -p "$out"
cd "$here"
for round in $(seq 1 "$rounds"); do
  for t in ${THREADS:-1 2}; do
    ./ringclip bench gemm --threads "$t" --min-seconds 0.3 --json "$out/java-t$t-r$round.json" "$@" > "$out/java-t$t-r$round.txt" 2>&1
    # OpenBLAS tuning variables some environments set are removed for the peer only.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/sgemm_shapes_torch.py --threads "$t" \
      --min-seconds 0.3 --json "$out/torch-t$t-r$round.json" "$@" > "$out/torch-t$t-r$round.txt" 2>&1
  done
done
