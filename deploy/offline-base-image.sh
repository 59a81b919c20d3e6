#!/usr/bin/env bash
# Makes `eclipse-temurin:25-jre` (the base of deploy/Dockerfile) available on a Docker host that
# cannot reach a registry, so the Dockerfile stays conventional.
#
#   1. The tag already exists and is not ours (a real pull) → keep it.
#   2. The tag is our stand-in, built from the same JDK version by this same script → keep it.
#   3. `docker pull` works → use the real image.
#   4. Otherwise build a stand-in from the local Temurin 25 JDK:
#        /opt/java/openjdk   a jlink'ed runtime (the modules below; jlink links from the JDK's own
#                            run-time image, which works although Temurin ships no jmods/)
#        /usr/lib…           the shared libraries `ldd` lists for that runtime and for bash
#        /usr/bin/bash       for the entrypoint and the healthchecks (bash -c '</dev/tcp/…')
#        /usr/bin/busybox    + one symlink per applet (sh, ps, kill, nc, wget, …), from busybox-static
#      and `docker import` it with the ENV the real image sets (JAVA_HOME, PATH, LANG).
#
# Environment: RINGCLIP_BASE_JDK (default: Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64),
#              RINGCLIP_BASE_IMAGE (default: eclipse-temurin:25-jre).
set -euo pipefail

jdk=${RINGCLIP_BASE_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
image=${RINGCLIP_BASE_IMAGE:-eclipse-temurin:25-jre}
export DOCKER_BUILDKIT=0

# The Java SE platform (java.se: what a JRE offers; the trainer decodes images with java.desktop's
# java.awt.image/ImageIO, Jackson and Micrometer touch java.sql/java.xml) plus the JDK modules a
# service needs: jdk.unsupported (Netty's Unsafe use), jdk.naming.dns, jdk.crypto.ec, the Vector
# API (jdk.incubator.vector), jdk.httpserver (the /metrics endpoint), jdk.management (process
# CPU/memory metrics), jdk.jfr + jdk.jcmd (profiling a running container), zipfs and charsets.
modules=java.se,jdk.unsupported,jdk.naming.dns,jdk.crypto.ec,jdk.incubator.vector,jdk.httpserver,
modules+=jdk.management,jdk.jfr,jdk.jcmd,jdk.zipfs,jdk.charsets,jdk.localedata
# Containers are headless: drop the X11-only AWT libraries (the JVM then loads libawt_headless),
# so the image needs no X11 client libraries.
x11_only_libs=(libawt_xawt.so libjawt.so libsplashscreen.so)

log() { echo "offline-base-image: $*" >&2; }
fail() { log "error: $*"; exit 1; }

[[ -x $jdk/bin/jlink ]] || fail "no jlink in jdk=$jdk (set RINGCLIP_BASE_JDK to a JDK 25)"
command -v docker >/dev/null || fail "docker CLI not found"
busybox=$(command -v busybox) || fail "busybox not found (apt-get install busybox-static)"

jdk_version=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$jdk/release")
script_hash=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)

label() { docker image inspect --format "{{ index .Config.Labels \"$1\" }}" "$image" 2>/dev/null || true; }
if docker image inspect "$image" >/dev/null 2>&1; then
  built_by=$(label io.ringclip.base.script)
  if [[ -z $built_by || $built_by == "<no value>" ]]; then
    log "keeping $image: it is not a stand-in (pulled or built elsewhere)"
    exit 0
  fi
  if [[ $built_by == "$script_hash" && $(label io.ringclip.base.jdk) == "$jdk_version" ]]; then
    log "keeping $image: stand-in already built from jdk=$jdk_version script=$script_hash"
    exit 0
  fi
  log "rebuilding $image: stand-in is from another JDK or script version"
elif timeout 60 docker pull "$image" >/dev/null 2>&1; then
  log "pulled $image from a registry"
  exit 0
else
  log "no registry reachable: building a stand-in for $image from jdk=$jdk ($jdk_version)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ringclip-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
java_home=/opt/java/openjdk

# Same merged-/usr layout as Debian and Ubuntu, so paths that ldd reports resolve inside.
mkdir -p "$rootfs"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,tmp,root,opt/java,var/tmp,proc,sys,dev}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$rootfs/$d"; done
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"

# (jlink warns "Using incubator modules" for jdk.incubator.vector; that is expected.)
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$rootfs$java_home" 2>&1 | grep -v 'incubator modules' >&2 || true
[[ -x $rootfs$java_home/bin/java ]] || fail "jlink produced no runtime"
for lib in "${x11_only_libs[@]}"; do rm -f "$rootfs$java_home/lib/$lib"; done

cp -L /bin/bash "$rootfs/usr/bin/bash"
cp -L "$busybox" "$rootfs/usr/bin/busybox"
for applet in $("$busybox" --list); do
  [[ -e $rootfs/usr/bin/$applet ]] || ln -s busybox "$rootfs/usr/bin/$applet"
done

# Every shared library the runtime, bash and busybox link against, at its real path (plus the
# loader). ldd prints "=> not found" for a missing one: fail then rather than ship a broken image.
shared_libs() {  # FILE... → one absolute library path per line
  local f out
  for f in "$@"; do
    # The JDK's own libraries find libjvm.so next to them at run time (java loads it first).
    out=$(LD_LIBRARY_PATH="$rootfs$java_home/lib:$rootfs$java_home/lib/server" ldd "$f" 2>/dev/null) \
      || continue   # not a dynamic executable
    if grep -q 'not found' <<<"$out"; then fail "ldd cannot resolve a library of $f: $(grep 'not found' <<<"$out")"; fi
    grep -o '/[^ ]*' <<<"$out" || true
  done
}
mapfile -d '' runtime_files < <(find "$rootfs$java_home" -type f \( -name '*.so' -o -perm -u+x \) -print0)
shared_libs "${runtime_files[@]}" /bin/bash "$busybox" | grep -v "^$rootfs" | sort -u > "$work/libs"
while read -r lib; do
  real=$(readlink -f "$lib")
  mkdir -p "$rootfs$(dirname "$real")" "$rootfs$(dirname "$lib")"
  cp -L "$real" "$rootfs$real"
  [[ -e $rootfs$lib ]] || ln -s "$real" "$rootfs$lib"
done < "$work/libs"

cat > "$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat > "$rootfs/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo 'hosts: files dns' > "$rootfs/etc/nsswitch.conf"
# LANG=C.UTF-8 needs glibc's C.utf8 locale; without it Java prints non-ASCII output as '?'.
if [[ -d /usr/lib/locale/C.utf8 ]]; then
  mkdir -p "$rootfs/usr/lib/locale" && cp -r /usr/lib/locale/C.utf8 "$rootfs/usr/lib/locale/"
fi

tar -C "$rootfs" --numeric-owner -c . | docker import \
  --change "ENV JAVA_HOME=$java_home" \
  --change "ENV PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change 'ENV LANG=C.UTF-8' \
  --change "LABEL io.ringclip.base.jdk=$jdk_version io.ringclip.base.script=$script_hash" \
  --change 'CMD ["bash"]' \
  - "$image" >/dev/null

# Capture first, then print: `| head -1` on the live stream can SIGPIPE the docker client (exit 141).
version=$(docker run --rm "$image" java -version 2>&1) || fail "the new image cannot run java: $version"
log "built, java says: ${version%%$'\n'*}"
