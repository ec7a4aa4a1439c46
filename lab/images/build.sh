#!/usr/bin/env bash
# Build the lab's images for one Debian release (LAB_RELEASE: bookworm, the default, or trixie), only when
# missing or when their inputs changed:
#   sessionlab/debian-base:<release>        from `docker pull debian:<release>`, else debootstrap + docker import
#   sessionlab/lab:<release>-<inputs hash>  the systemd lab host image (lab/images/lab/Dockerfile), also tagged
#                                           sessionlab/lab:<release>, the tag the lab inventory starts
# Prints the lab image reference on the last line of stdout.
set -euo pipefail

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
suite=${LAB_RELEASE:-bookworm}
case "$suite" in
  bookworm | trixie) ;;
  *) die "LAB_RELEASE is '$suite': the lab runs Debian bookworm (12, the default) or trixie (13); set one of those." ;;
esac
base_ref=${LAB_BASE_IMAGE:-sessionlab/debian-base:$suite}
lab_repo=${LAB_IMAGE_REPO:-sessionlab/lab}

docker info >/dev/null 2>&1 || die "no Docker engine is reachable: start it (or run 'make prereq' as root) and retry."

free_mb() { df -Pm "$1" | awk 'NR==2 {print $4}'; }
docker_root=$(docker info --format '{{.DockerRootDir}}' 2>/dev/null || echo /var/lib/docker)
[ -d "$docker_root" ] || docker_root=/
if [ "$(free_mb "$docker_root")" -lt 2048 ]; then
  die "less than 2 GiB free under $docker_root: free some disk space (docker system prune, or remove old files) and retry."
fi

build_base() {
  if docker image inspect "$base_ref" >/dev/null 2>&1; then
    return 0
  fi
  say "base image: trying 'docker pull debian:$suite'"
  if timeout 120 docker pull "debian:$suite" >/dev/null 2>&1; then
    docker tag "debian:$suite" "$base_ref"
    say "base image: pulled debian:$suite"
    return 0
  fi
  command -v debootstrap >/dev/null 2>&1 || die "no image registry answered and debootstrap is not installed: install debootstrap (apt-get install debootstrap) or make debian:$suite pullable, then retry."
  [ "$(id -u)" -eq 0 ] || die "no image registry answered and debootstrap needs root: run this as root, or make debian:$suite pullable."
  say "base image: no registry answered; building $suite with debootstrap (about a minute)"
  local root
  root=$(mktemp -d /var/tmp/sessionlab-rootfs.XXXXXX)
  trap 'rm -rf "$root"' RETURN
  if ! debootstrap --variant=minbase "$suite" "$root" >"$root.log" 2>&1; then
    tail -n 5 "$root.log" >&2
    die "debootstrap failed (log: $root.log): check that Debian's package archive is reachable and the disk has space."
  fi
  # debootstrap writes one line for the main suite; add -updates and -security on the same archive host.
  local mirror
  mirror=$(awk '$1 == "deb" {print $2; exit}' "$root/etc/apt/sources.list")
  cat >"$root/etc/apt/sources.list" <<SRC
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${mirror%/debian}/debian-security $suite-security main
SRC
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import - "$base_ref" >/dev/null
  rm -f "$root.log"
  say "base image: imported $base_ref"
}

build_lab() {
  local hash ref
  hash=$( (docker image inspect --format '{{.Id}}' "$base_ref"; cat "$here"/lab/*) | sha256sum | cut -c1-12)
  ref="$lab_repo:$suite-$hash"
  if docker image inspect "$ref" >/dev/null 2>&1; then
    say "lab image: $ref is up to date"
  else
    say "lab image: building $ref"
    local log
    log=$(mktemp)
    if ! DOCKER_BUILDKIT=0 docker build --quiet --build-arg "BASE=$base_ref" -t "$ref" "$here/lab" >"$log" 2>&1; then
      tail -n 20 "$log" >&2
      die "building the lab image failed (output above): check that Debian's package archive is reachable from containers."
    fi
    rm -f "$log"
  fi
  docker tag "$ref" "$lab_repo:$suite"
  printf '%s\n' "$ref"
}

build_base
build_lab
