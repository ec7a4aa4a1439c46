"""The release data agree: galaxy.yml, the changelog, every version_added, requires_ansible, the venv's check."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text())
CHANGELOG = yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text())
FRAGMENTS = ROOT / "changelogs" / "fragments"
VERSION_ADDED = re.compile(r"^\s*version_added:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)
REFERENCE = ROOT / "docs" / "reference"
# A plugin's reference page (docs/reference, kept current by test_docs.py) and the release it says it is new in.
PLUGIN_PAGE = re.compile(r"(.+)_(module|filter|test|lookup|callback|inventory|connection|become)\.rst\Z")
NEW_IN = re.compile(r"^New in sessionlab\.tomcat\\_ha (\S+)$", re.MULTILINE)
# Galaxy's rules for a tag, and its limit on their number.
TAG = re.compile(r"[a-z0-9_]{1,64}\Z")
MAX_TAGS = 20
# galaxy.yml's fields that link elsewhere: a real address or none.
URL_FIELDS = ("repository", "documentation", "homepage", "issues")


def _latest_release() -> Version:
    assert CHANGELOG.get("releases"), "changelogs/changelog.yaml has no release"
    return max(Version(v) for v in CHANGELOG["releases"])


def _version_added() -> dict[str, str]:
    """Every version_added of the plugins' documentation and the roles' argument specs, by file."""
    sources = [p for p in (ROOT / "plugins").rglob("*") if p.suffix in (".py", ".yml", ".yaml")]
    sources += (ROOT / "roles").glob("*/meta/argument_specs.yml")
    found = {}
    for source in sources:
        for value in VERSION_ADDED.findall(source.read_text()):
            found[f"{source.relative_to(ROOT)}: {value}"] = value
    return found


def test_galaxy_version_is_the_latest_release_or_the_one_its_fragments_wait_for():
    galaxy, latest = Version(GALAXY["version"]), _latest_release()
    waiting = sorted(p.name for p in FRAGMENTS.glob("*.y*ml"))
    assert galaxy >= latest, f"galaxy.yml says {galaxy}, older than the latest release {latest} of changelog.yaml"
    assert galaxy == latest or waiting, (
        f"galaxy.yml says {galaxy}, but the latest release of changelog.yaml is {latest} and no fragment waits for"
        f" {galaxy} in changelogs/fragments/"
    )


def test_no_version_added_is_newer_than_galaxy_version():
    galaxy = Version(GALAXY["version"])
    found = _version_added()
    assert found, "no version_added found in plugins/ or roles/: the scan is broken"
    newer = [where for where, value in found.items() if Version(value) > galaxy]
    assert not newer, f"newer than galaxy.yml's {galaxy}:\n" + "\n".join(newer)


def test_every_version_added_is_a_release_or_the_one_in_preparation():
    """A version_added names a version users can install: a release of changelog.yaml, or galaxy.yml's next one."""
    known = set(CHANGELOG["releases"]) | {GALAXY["version"]}
    unknown = [where for where, value in _version_added().items() if value not in known]
    assert not unknown, f"never released, and not galaxy.yml's {GALAXY['version']}:\n" + "\n".join(unknown)


def test_every_plugin_new_in_a_release_is_listed_in_it():
    """A plugin whose version_added names a release that was cut without it says it shipped where it did not."""
    missing, checked = [], 0
    for page in sorted(REFERENCE.glob("*.rst")):
        kind_match = PLUGIN_PAGE.match(page.name)
        added = NEW_IN.search(page.read_text())
        if not kind_match or not added or added.group(1) not in CHANGELOG["releases"]:
            continue
        name, kind = kind_match.groups()
        checked += 1
        release = CHANGELOG["releases"][added.group(1)]
        listed = release.get("modules", []) if kind == "module" else release.get("plugins", {}).get(kind, [])
        if name not in {entry["name"] for entry in listed}:
            missing.append(f"{kind} {name} (new in {added.group(1)})")
    assert checked, "no plugin page of docs/reference says which release it is new in: the scan is broken"
    assert not missing, (
        "new in a release of changelogs/changelog.yaml that does not list them: make such a plugin new in the next"
        " release (its version_added and galaxy.yml's version), or, while the release is not yet published, let it"
        " join the release: antsibull-changelog release --reload-plugins --update-existing:\n" + "\n".join(missing)
    )


def test_changelog_md_is_what_antsibull_changelog_writes(tmp_path):
    """CHANGELOG.md is generated from changelogs/changelog.yaml, never edited by hand."""
    for name in ("galaxy.yml", "CHANGELOG.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "changelogs").mkdir()
    for name in ("config.yaml", "changelog.yaml"):
        shutil.copy(ROOT / "changelogs" / name, tmp_path / "changelogs" / name)
    run = subprocess.run(
        [sys.executable, "-m", "antsibull_changelog", "generate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, f"antsibull-changelog generate failed:\n{run.stdout}{run.stderr}"
    assert (tmp_path / "CHANGELOG.md").read_text() == (ROOT / "CHANGELOG.md").read_text(), (
        "CHANGELOG.md differs from what antsibull-changelog generate writes from changelogs/changelog.yaml"
    )


def test_galaxy_tags_follow_galaxy_rules():
    tags = GALAXY["tags"]
    assert len(tags) <= MAX_TAGS, f"{len(tags)} tags, Galaxy takes {MAX_TAGS} at most"
    assert [t for t in tags if not TAG.match(t)] == [], "a tag is lowercase letters, digits and _, 64 at most"
    assert len(set(tags)) == len(tags)


def test_galaxy_links_are_real_or_absent():
    links = {field: GALAXY[field] for field in URL_FIELDS if GALAXY.get(field)}
    made_up = [
        f for f, url in links.items() if not url.startswith("https://") or re.search(r"\.invalid\b|example\.", url)
    ]
    assert made_up == [], f"galaxy.yml links nowhere real in {made_up}: name a real address or drop the field"


def test_requires_ansible_holds_the_tested_ansible_core():
    """meta/runtime.yml claims the ansible-core that requirements.txt pins and tests, and no older minor."""
    pinned = re.search(r"^ansible-core==(\S+)$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    assert pinned, "requirements.txt pins no ansible-core"
    tested = Version(pinned.group(1))
    required = SpecifierSet(yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["requires_ansible"])
    assert tested in required, f"requires_ansible {required} excludes the tested ansible-core {tested}"
    floors = [Version(s.version) for s in required if s.operator in (">=", ">", "==", "~=")]
    assert floors, f"requires_ansible {required} has no lower bound"
    assert min(floors).release[:2] >= tested.release[:2], (
        f"requires_ansible {required} admits an ansible-core older than the tested {tested.major}.{tested.minor}"
    )


@pytest.fixture
def python_without_ensurepip(tmp_path) -> Path:
    """An interpreter as Debian's python3 is without python3-venv: venv is there, ensurepip is not."""
    shadow = tmp_path / "shadow" / "ensurepip"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'ensurepip'\")\n")
    python = tmp_path / "python3"
    python.write_text(f'#!/bin/sh\nPYTHONPATH={shadow.parent} exec {sys.executable} "$@"\n')
    python.chmod(0o755)
    return python


def test_make_venv_stops_before_the_venv_when_the_python_has_no_ensurepip(python_without_ensurepip, tmp_path):
    venv = tmp_path / "venv"
    run = subprocess.run(
        ["make", "-C", str(ROOT), "--no-print-directory", f"VENV={venv}", f"PYTHON={python_without_ensurepip}", "venv"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode != 0
    assert not venv.exists(), "make venv created the venv before it found the interpreter could not make one"
    errors = [line for line in run.stderr.splitlines() if line.startswith("prereq: error:")]
    assert len(errors) == 1, run.stderr
    assert "python3-venv" in errors[0] and "apt-get install python3-venv" in errors[0] and "ensurepip" in errors[0]


def test_the_venv_check_passes_an_interpreter_that_can_make_a_venv():
    run = subprocess.run(
        [str(ROOT / "scripts" / "prereq.sh"), "--venv"],
        env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
