#!/usr/bin/env bash
# Make sure this machine can run the lab: a reachable Docker engine, debootstrap for the
# base image fallback, and the host tools the unit tests use (nginx). Does nothing when all
# is there; installs or starts what is missing when it can (root on a Debian-family host);
# otherwise stops with one line saying what to do.
#   --test     also the tools of make test (shellcheck, nginx, and those of --apps)
#   --browser  only Debian's chromium (the lab's screenshots and the report page's browser test)
#   --busy     only Debian's stress-ng (make lab BUSY=n keeps the CPUs busy with it)
#   --apps     only the JDK and Tomcat's servlet API that lab/apps/build.py compiles the test applications with
#   --venv     only that $PYTHON (default python3) can make a virtualenv with pip (Debian's python3-venv)
set -euo pipefail

test_tools=0
browser_only=0
busy_only=0
apps_only=0
venv_only=0
for arg in "$@"; do
  case "$arg" in
    --test) test_tools=1 ;;
    --browser) browser_only=1 ;;
    --busy) busy_only=1 ;;
    --apps) apps_only=1 ;;
    --venv) venv_only=1 ;;
    *) printf 'prereq: error: unknown option %s: use --test, --browser, --busy, --apps or --venv.\n' "$arg" >&2; exit 2 ;;
  esac
done

say() { printf 'prereq: %s\n' "$*" >&2; }
die() { printf 'prereq: error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }
is_debian() { command -v apt-get >/dev/null 2>&1 && [ -r /etc/debian_version ]; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# python -m venv installs pip with the interpreter's ensurepip module, which Debian ships apart, in python3-venv;
# without it python -m venv stops halfway and leaves a .venv without pip behind, so check before it runs.
can_make_venv() { "$1" -c 'import ensurepip, venv; ensurepip.version()' >/dev/null 2>&1; }
if [ "$venv_only" -eq 1 ]; then
  python=${PYTHON:-python3}
  can_make_venv "$python" && exit 0
  # Installing the package helps only Debian's own interpreter (/usr/bin/python3.N).
  if is_root && is_debian && [[ "$(readlink -f "$(command -v "$python")" 2>/dev/null)" =~ ^/usr/bin/python3\.[0-9]+$ ]]; then
    say "installing python3-venv with apt-get ($python has no ensurepip, which python -m venv installs pip with)"
    apt_install python3-venv || die "apt-get could not install python3-venv: check the package archive and retry."
    can_make_venv "$python" && exit 0
  fi
  die "$python cannot make a virtualenv with pip, since it has no ensurepip module: install Debian's python3-venv (as root: apt-get install python3-venv) or set PYTHON to an interpreter that has ensurepip, and retry."
fi

if [ "$browser_only" -eq 1 ]; then
  [ -x /usr/bin/chromium ] && exit 0
  if is_root && is_debian; then
    say "installing chromium with apt-get (headless, for screenshots and the report page's test)"
    apt_install chromium fonts-dejavu-core || die "apt-get could not install chromium: check the package archive and retry, or run make lab SCREENSHOTS=0."
    exit 0
  fi
  die "chromium is missing: install it (as root: apt-get install chromium), or run make lab SCREENSHOTS=0."
fi

if [ "$busy_only" -eq 1 ]; then
  command -v stress-ng >/dev/null 2>&1 && exit 0
  if is_root && is_debian; then
    say "installing stress-ng with apt-get (make lab BUSY=n keeps the CPUs busy with it)"
    apt_install stress-ng || die "apt-get could not install stress-ng: check the package archive and retry, or run without BUSY."
    exit 0
  fi
  die "stress-ng is missing: install it (as root: apt-get install stress-ng), or run without BUSY."
fi

# The test applications are compiled offline (no Maven): javac, and the servlet API of Debian's Tomcat 10.1,
# which Tomcat 11 also runs.
servlet_api=/usr/share/java/tomcat10-servlet-api.jar
need_app_tools() {
  local pkgs=()
  command -v javac >/dev/null 2>&1 || pkgs+=(default-jdk-headless)
  [ -r "$servlet_api" ] || pkgs+=(libtomcat10-java)
  [ "${#pkgs[@]}" -eq 0 ] && return 0
  if is_root && is_debian; then
    say "installing ${pkgs[*]} with apt-get (to build the test applications)"
    apt_install "${pkgs[@]}" || die "apt-get could not install ${pkgs[*]}: check the package archive and retry."
  else
    die "missing ${pkgs[*]} (javac and $servlet_api build the test applications): install them (as root: apt-get install ${pkgs[*]}) and retry."
  fi
}

if [ "$apps_only" -eq 1 ]; then
  need_app_tools
  exit 0
fi
[ "$test_tools" -eq 0 ] || need_app_tools

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
  || die "Python 3.11 or newer is needed as python3: install it and retry."

need_pkgs=()
command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
# The lab reached over SSH (LAB_CONNECTION=ssh, and the ssh Molecule scenario): ssh and ssh-keygen.
{ command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; } || need_pkgs+=(openssh-client)
# ansible-test sanity checks the shell scripts with shellcheck when it is there.
if [ "$test_tools" -eq 1 ]; then
  command -v shellcheck >/dev/null 2>&1 || need_pkgs+=(shellcheck)
fi
if ! docker info >/dev/null 2>&1 && ! command -v dockerd >/dev/null 2>&1; then
  need_pkgs+=(docker.io)
fi
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  if is_root && is_debian; then
    say "installing ${need_pkgs[*]} with apt-get"
    apt_install "${need_pkgs[@]}" || die "apt-get could not install ${need_pkgs[*]}: check the package archive and retry."
  else
    die "missing ${need_pkgs[*]}: install them (as root: apt-get install ${need_pkgs[*]}) and retry."
  fi
fi

# The unit tests run their own nginx on loopback; the package must not start a system-wide one.
if [ "$test_tools" -eq 1 ] && [ ! -x /usr/sbin/nginx ]; then
  if is_root && is_debian; then
    say "installing nginx-light with apt-get (for the unit tests; its service is not started)"
    no_start=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && no_start=1
    fi
    apt_install nginx-light || { [ "$no_start" -eq 0 ] || rm -f /usr/sbin/policy-rc.d; die "apt-get could not install nginx-light: check the package archive and retry."; }
    [ "$no_start" -eq 0 ] || rm -f /usr/sbin/policy-rc.d
  else
    die "nginx is missing (the unit tests run it on loopback): install it (as root: apt-get install nginx-light) and retry."
  fi
fi

if docker info >/dev/null 2>&1; then
  exit 0
fi
if ! is_root; then
  die "the Docker engine is not reachable: start it (sudo systemctl start docker) or add yourself to the docker group, then retry."
fi
say "the Docker engine is not running; starting dockerd in the background (log: /var/log/sessionlab-dockerd.log)"
nohup dockerd >/var/log/sessionlab-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    say "dockerd is up"
    exit 0
  fi
  sleep 1
done
die "dockerd did not come up within 60 s: read /var/log/sessionlab-dockerd.log."
