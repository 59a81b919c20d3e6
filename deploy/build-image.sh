#!/usr/bin/env bash
# Builds the ringclip image from the packaged distribution:
#   1. makes sure the base image exists (deploy/offline-base-image.sh: pulled or a local stand-in),
#   2. `docker build -f deploy/Dockerfile` with the repository root as context.
# Needs trainer/target/ringclip.jar + trainer/target/lib/ (./mvnw -DskipTests package -pl trainer -am).
# Environment: RINGCLIP_IMAGE (default ringclip:local).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
image=${RINGCLIP_IMAGE:-ringclip:local}
# BuildKit off: Debian's dockerd 20.10 + a newer CLI without buildx cannot build with it.
export DOCKER_BUILDKIT=0

if [[ ! -f $root/trainer/target/ringclip.jar || ! -d $root/trainer/target/lib ]]; then
  echo "build-image: error: no distribution at trainer/target (run ./mvnw -DskipTests package -pl trainer -am)" >&2
  exit 1
fi
bash "$root/deploy/offline-base-image.sh"
docker build -q -f "$root/deploy/Dockerfile" -t "$image" "$root" >/dev/null
echo "build-image: built $image ($(docker image inspect --format '{{.Id}}' "$image" | cut -c8-19))" >&2
