#!/usr/bin/env bash
# ringclip's container entrypoint (also on PATH as `ringclip`, so `ringclip admin …` works in an
# exec'd shell). Runs the CLI with the JVM flags set explicitly instead of relying on defaults:
#   --add-modules jdk.incubator.vector    the SIMD kernels (Vector API is an incubator module)
#   --enable-native-access=ALL-UNNAMED    FFM and Netty's native transports, without warnings
#   -XX:+UseParallelGC                    throughput collector: training allocates in big steps
#   -XX:MaxRAMPercentage                  heap as a share of the container's memory limit (the
#                                         JVM reads the cgroup limit); the rest is for direct
#                                         buffers (Netty), metaspace and thread stacks
#   -XX:+ExitOnOutOfMemoryError           die loudly so the orchestrator restarts the container
#   -Djava.awt.headless=true              image decoding (java.awt.image) without a display
# Environment: RINGCLIP_MAX_RAM_PERCENTAGE (default 75), RINGCLIP_JAVA_OPTS (extra JVM flags).
set -euo pipefail
home=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck disable=SC2086  # RINGCLIP_JAVA_OPTS is a list of flags
exec "$java" \
  --add-modules jdk.incubator.vector \
  --enable-native-access=ALL-UNNAMED \
  -XX:+UseParallelGC \
  -XX:MaxRAMPercentage="${RINGCLIP_MAX_RAM_PERCENTAGE:-75}" \
  -XX:+ExitOnOutOfMemoryError \
  -Djava.awt.headless=true \
  ${RINGCLIP_JAVA_OPTS:-} \
  -jar "$home/ringclip.jar" "$@"
