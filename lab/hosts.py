"""The lab's host model, read from its inventory (lab/inventory): hosts, groups, containers, release, SSH.

The lab runner, the benchmarks and the Molecule scenarios' tests (through tests/lab_checks.py) share it."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# The lab's hosts; a scenario with hosts of its own (four_backends) names its hosts.yml in LAB_INVENTORY.
INVENTORY = Path(os.environ.get("LAB_INVENTORY") or ROOT / "lab" / "inventory" / "hosts.yml")
LAB_VARS = ROOT / "lab" / "inventory" / "group_vars" / "all" / "lab.yml"


def _walk(group: dict, groups: list[str], out: dict[str, dict]) -> None:
    for name, hvars in (group.get("hosts") or {}).items():
        entry = out.setdefault(name, {"vars": dict(hvars or {}), "groups": []})
        entry["groups"].extend(groups)
    for child, sub in (group.get("children") or {}).items():
        _walk(sub or {}, [*groups, child], out)


def lab_inventory() -> dict[str, dict]:
    """Map each lab host to its inventory vars and groups."""
    data = yaml.safe_load(INVENTORY.read_text())
    out: dict[str, dict] = {}
    _walk(data["all"], [], out)
    return out


def container(name: str, short_name: str | None = None) -> str:
    """The container of a lab host, as lab/inventory/group_vars/all/lab.yml names it (<lab>-<lab_short_name>)."""
    return f"{lab_name()}-{short_name or name.split('.')[0]}"


def lab_name() -> str:
    return os.environ.get("SESSIONLAB_LAB", "sessionlab")


# The lab's releases (LAB_RELEASE), the default first, and their Debian major versions, which name the roles'
# per-release vars files.
RELEASES = {"bookworm": "12", "trixie": "13"}


def lab_release() -> str:
    return os.environ.get("LAB_RELEASE", next(iter(RELEASES)))


def release_problem() -> str | None:
    """The sentence that refuses an unknown LAB_RELEASE, or None."""
    release = lab_release()
    if release in RELEASES:
        return None
    return f"LAB_RELEASE must be {' or '.join(RELEASES)}, got {release!r}: unset it for {next(iter(RELEASES))}."


def release_default(role: str) -> int:
    """The version ROLE (jdk or tomcat) installs by default on the lab's release: the first its vars file lists."""
    data = yaml.safe_load((ROOT / "roles" / role / "vars" / f"Debian-{RELEASES[lab_release()]}.yml").read_text())
    return data[f"_{role}_release_versions"][0]


def lab_vars() -> dict:
    """The variables every lab host gets (lab/inventory/group_vars/all/lab.yml), unrendered."""
    return yaml.safe_load(LAB_VARS.read_text())


def lab_cache_dir() -> Path:
    """The lab's local state outside the checkout, as group_vars/all/lab.yml's lab_cache_dir puts it."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sessionlab-tomcat-ha"


def ssh_config() -> Path | None:
    """The lab's SSH client configuration when the lab is reached over SSH (LAB_CONNECTION=ssh), else None.

    Where lab/inventory/group_vars/all/lab.yml keeps it (lab_ssh_dir), written by lab/playbooks/lab_up.yml."""
    if os.environ.get("LAB_CONNECTION", "docker") != "ssh":
        return None
    return lab_cache_dir() / "ssh" / lab_name() / "config"


def lab_hosts(group: str | None = None) -> dict[str, str]:
    """Map inventory hostname to container name, optionally only for one group."""
    return {
        name: container(name, entry["vars"].get("lab_short_name"))
        for name, entry in lab_inventory().items()
        if group is None or group in entry["groups"]
    }


def write_inventory(directory: Path, data: dict) -> Path:
    """A copy of the lab inventory in `directory`, with hosts.yml replaced by `data`; the directory.

    group_vars/ and the constructed source that writes ansible_host are linked, not copied."""
    (directory / "hosts.yml").write_text(yaml.safe_dump(data))
    for name in ("group_vars", "lab.constructed.yml"):
        (directory / name).symlink_to(INVENTORY.parent / name)
    return directory
