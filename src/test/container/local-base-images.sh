#!/usr/bin/env bash
# Makes the base images that Dockerfile.jvm names in its FROM lines, locally, from Debian's
# packages, for machines that reach no container registry (our CI). Everyone else pulls the public images.
#
#   bash src/test/container/local-base-images.sh     # once; then: podman build --pull=never ...
#
# The JDK image gets this machine's extra CA certificates (a TLS-inspecting proxy's), or Maven inside the build
# stage could not fetch anything. Needs root, podman and mmdebstrap (apt-get install podman runc mmdebstrap).
set -euo pipefail
cd "$(dirname "$0")/../../.."

DOCKERFILE=Dockerfile.jvm
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
WORK=$(mktemp -d /tmp/zeusd-base-images.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# FROM lines: the JDK build stage first, then the JRE runtime stage.
mapfile -t BASES < <(awk '/^FROM /{print $2}' "$DOCKERFILE")
[ "${#BASES[@]}" = 2 ] || { echo "expected two FROM lines in $DOCKERFILE, got: ${BASES[*]}" >&2; exit 1; }

make_image() { # name package
  local name=$1 package=$2 hooks=()
  if podman image exists "$name"; then
    echo "base image $name: present"
    return
  fi
  if [ "$package" = openjdk-17-jdk-headless ] && compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    hooks+=(--customize-hook='mkdir -p "$1/usr/local/share/ca-certificates"'
      --customize-hook='sync-in /usr/local/share/ca-certificates /usr/local/share/ca-certificates'
      --customize-hook='chroot "$1" update-ca-certificates')
  fi
  echo "base image $name: building from Debian $SUITE ($package)"
  mmdebstrap --quiet --variant=apt --include="$package,ca-certificates" "${hooks[@]}" \
    "$SUITE" "$WORK/rootfs.tar" "$MIRROR"
  podman import --quiet --change "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)" \
    --change 'ENV LANG=C.UTF-8' "$WORK/rootfs.tar" "$name" >/dev/null
  rm -f "$WORK/rootfs.tar"
}

make_image "${BASES[0]}" openjdk-17-jdk-headless
make_image "${BASES[1]}" openjdk-17-jre-headless
