"""Each role's meta/argument_specs.yml documents exactly its defaults, with the same default values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from jinja2.nativetypes import NativeEnvironment

ROOT = Path(__file__).resolve().parents[3]
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "defaults" / "main.yml").exists())


@pytest.mark.parametrize("role", ROLES)
def test_argument_specs_mirror_defaults(role):
    defaults = yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text()) or {}
    spec = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    # A role used only through its entry points (verification) documents its defaults with its first one.
    options = (spec["main"] if "main" in spec else next(iter(spec.values())))["options"]
    assert set(options) == set(defaults), f"{role}: specs and defaults differ: {set(options) ^ set(defaults)}"
    for name, value in defaults.items():
        option = options[name]
        assert name.startswith(f"{role}_"), f"{role}: {name} is not prefixed with the role name"
        templated = isinstance(value, str) and "{{" in value
        if templated and "default" not in option:
            # A default taken from another variable (the balancer role's input, verify.yml's tomcat_ha_*) where the
            # option's type is not a string: the spec says it in words, as the docs' tool cannot hold a template.
            description = (
                " ".join(option["description"]) if isinstance(option["description"], list) else option["description"]
            )
            source = re.search(r"\{\{\s*(\w+)", value).group(1)
            assert (
                f"Defaults to {source}" in description or f"Defaults to the balancer role's {source}" in description
            ), f"{role}: {name} does not say it defaults to {source}"
        else:
            assert option.get("default") == value, f"{role}: {name} default differs"
        if "choices" in option:
            # A default taken from another variable ({{ balancer_method | default(...) }}) has its own fallback.
            effective = NativeEnvironment().from_string(value).render() if templated else value
            assert effective in option["choices"], f"{role}: default of {name} is not one of its choices"


def test_every_role_is_documented_and_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text()
    for role in ROLES:
        assert (ROOT / "docs" / "reference" / f"{role}_role.rst").exists(), role
        assert f"(docs/reference/{role}_role.rst)" in readme, role


def test_every_plugin_is_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text()
    plugins = ROOT / "plugins"
    names = [p.stem for p in (plugins / "modules").glob("*.py")]
    names += [p.stem for p in (plugins / "filter").glob("*.yml")]
    names += [p.stem for p in (plugins / "filter").glob("*.py") if p.stem != "session_id"]
    for name in names:
        assert f"`{name}`" in readme, name


def _role_calls():
    """(file, role, tasks_from) of every include_role/import_role with tasks_from in the playbooks, roles and lab."""
    pattern = re.compile(r"name: (?:sessionlab\.tomcat_ha\.)?(\w+)\n(?:\s+\w+: .*\n)*?\s+tasks_from: (\S+)")
    for folder in ("playbooks", "roles", "lab", "molecule"):
        for path in sorted((ROOT / folder).rglob("*.yml")):
            for role, entry in pattern.findall(path.read_text()):
                yield path.relative_to(ROOT), role, entry


def test_every_tasks_from_names_an_entry_point_whose_spec_runs():
    """ansible-core matches an argument spec by the literal tasks_from: with a .yml suffix no spec would run."""
    calls = list(_role_calls())
    assert len(calls) > 20
    for path, role, entry in calls:
        specs = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
        assert entry in specs, f"{path}: {role} tasks_from {entry} is no entry point of its argument specs"
