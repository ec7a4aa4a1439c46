# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a backend holds for the tomcat_apps role, as JSON on stdout; it changes nothing.

    python3 discover.py SERVICE HOST_NAME RELEASES_DIR

SERVICE "" takes the Tomcat unit that runs (else the first one installed). Prints the service, whether it is
active, its Host's configuration directory (/etc/<service>/Catalina/<host>), every context descriptor there with
the context path and version its file name gives (ROOT##2.xml: /, 2) and its content, and the releases in
RELEASES_DIR (<name>/<sha256> directories).
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys

# A descriptor larger than this is not one of the role's (they are a few hundred bytes).
MAX_DESCRIPTOR = 65536


def _systemctl(*args):
    """systemctl's exit status and output; a host without systemd has no Tomcat unit (127)."""
    try:
        result = subprocess.run(["systemctl", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    except OSError:
        return 127, ""
    return result.returncode, result.stdout.decode()


def _units(*args):
    _status, out = _systemctl(*args, "--type=service", "--no-legend", "--plain", "tomcat[0-9]*.service")
    return [line.split()[0][: -len(".service")] for line in out.splitlines() if line.strip()]


def _service(given):
    if given:
        return given
    running = _units("list-units", "--state=active")
    if running:
        return running[0]
    installed = _units("list-unit-files")
    return installed[0] if installed else ""


def _descriptor(path):
    stem = os.path.basename(path)[: -len(".xml")]
    base, _sep, version = stem.partition("##")
    with open(path, "rb") as stream:
        content = stream.read(MAX_DESCRIPTOR + 1).decode("utf-8", "replace")
    return {
        "file": os.path.basename(path),
        "context": "/" if base == "ROOT" else "/" + base.replace("#", "/"),
        "version": version,
        "content": content,
    }


def main(argv):
    given, host_name, releases_dir = argv[1:4]
    service = _service(given)
    active = bool(service) and _systemctl("is-active", "--quiet", service)[0] == 0
    config_base = f"/etc/{service}/Catalina/{host_name}" if service else ""
    descriptors = [_descriptor(p) for p in sorted(glob.glob(os.path.join(config_base, "*.xml")))] if service else []
    releases = sorted(
        path
        for path in glob.glob(os.path.join(releases_dir, "*", "*"))
        if os.path.isdir(path) and re.fullmatch(r"[0-9a-f]{64}", os.path.basename(path))
    )
    result = {
        "service": service,
        "active": active,
        "config_base": config_base,
        "config_base_exists": bool(config_base) and os.path.isdir(config_base),
        "descriptors": descriptors,
        "releases": releases,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
