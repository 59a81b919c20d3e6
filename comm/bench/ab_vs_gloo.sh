#!/usr/bin/env bash
# A/B of allreduce variants against PyTorch gloo, interleaved: per round gloo first, then each
# variant of `ringclip bench allreduce` in process mode, so a slow spell of this shared machine hits
# all of them. A variant is NAME:FLAGS; flags starting with -D or -X go to the JVMs (all ranks),
# the rest to the bench command. Prints, per round, gloo's CSV row and each variant's table row
# (the last column, cpu(ms), is CPU time of all ranks per op: the steadier number on shared cores).
#   usage: comm/bench/ab_vs_gloo.sh OUT_DIR N SIZES ROUNDS VARIANT...   [PEER=/tmp/peer-bench]
#   e.g.   comm/bench/ab_vs_gloo.sh /tmp/ab 3 16M,64M 2 "base:" "seg512k:--segment 524288"
# Build first: ./mvnw -B -q -pl trainer -am -DskipTests package
set -u
out=${1:?usage: $0 OUT_DIR N SIZES ROUNDS VARIANT...}; n=$2; sizes=$3; rounds=$4; shift 4
peer=${PEER:-/tmp/peer-bench}        # a writable copy of ../shared/bench
cd "$(dirname "$0")/../.."
mkdir -p "$out"
export RINGCLIP_SKIP_BUILD=1
for r in $(seq "$rounds"); do
  (cd "$peer" && timeout 600 /usr/bin/python3 allreduce_gloo.py --world-sizes "$n" --sizes "$sizes" \
      --ops all_reduce --max-op-seconds 30 --csv "$out/gloo_r$r.csv") > "$out/gloo_r$r.out" 2>&1
  for spec in "$@"; do
    name=${spec%%:*}; jvm=""; bench=()
    for flag in ${spec#*:}; do
      case $flag in -D*|-X*) jvm="$jvm $flag" ;; *) bench+=("$flag") ;; esac
    done
    RINGCLIP_JAVA_OPTS="-Xmx3g$jvm" timeout 600 ./ringclip bench allreduce --world "$n" --sizes "$sizes" \
        --mode process --warmup-seconds 3 "${bench[@]}" > "$out/${name}_r$r.out" 2>&1
  done
done
for r in $(seq "$rounds"); do
  echo "round $r"
  grep -h "^torch" "$out/gloo_r$r.csv"
  for spec in "$@"; do
    name=${spec%%:*}; echo "  $name"; grep -E "^\s+[0-9]{6,}" "$out/${name}_r$r.out"
  done
done
