"""The README and docs/hosts.md against the checkout: every role, plugin, playbook and make target listed, the
examples run as the README shows them, and the tags and ports they name are the code's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scripts import doc_blocks
from tests.unit import _cli

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
HOSTS = ROOT / "docs" / "hosts.md"
# The README is the collection's front page: what it is, requirements and install on the first screen. About 140
# lines of text and examples, the generated lab output, and a line for every role, plugin and make target.
README_MAX_LINES = 180
FIRST_SCREEN = 45


def _readme() -> str:
    return README.read_text()


def _plugins() -> set[str]:
    """Every plugin a user calls: modules, filters and tests (several filters or tests share a file)."""
    names = {p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.stem.startswith("_")}
    for kind, method in (("filter", "filters"), ("test", "tests")):
        for path in (ROOT / "plugins" / kind).glob("*.py"):
            text = path.read_text()
            body = text[text.index(f"def {method}(") :]
            names |= set(re.findall(r'"([a-z_]+)":', body))
    return names


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def test_install_and_requirements_are_on_the_first_screen():
    lines = _readme().splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; keep it to {README_MAX_LINES}"
    head = "\n".join(lines[:FIRST_SCREEN])
    assert "## Requirements" in head and "## Install" in head


def test_every_role_is_listed_with_its_page():
    text = _readme()
    for role in sorted(p.name for p in (ROOT / "roles").iterdir() if p.is_dir()):
        assert f"[`{role}`](docs/reference/{role}_role.rst)" in text, f"README.md does not list the role {role}"


def test_every_plugin_is_listed_with_its_page():
    text = _readme()
    missing = [
        name for name in sorted(_plugins()) if not re.search(rf"\[`{name}`\]\(docs/reference/{name}_\w+\.rst\)", text)
    ]
    assert not missing, f"README.md does not list the plugins {missing}"


def test_every_playbook_and_make_target_is_listed():
    text = _readme()
    for playbook in sorted((ROOT / "playbooks").glob("*.yml")):
        assert f"(playbooks/{playbook.name})" in text, f"README.md does not list playbooks/{playbook.name}"
    targets = re.findall(r"^([a-z-]+):.*## ", (ROOT / "Makefile").read_text(), flags=re.M)
    missing = [t for t in targets if t != "help" and f"`make {t}`" not in text]
    assert not missing, f"README.md does not list the make targets {missing}"


def test_the_readme_inventory_is_one_ansible_reads(tmp_path):
    inventory = next(block for block in _yaml_blocks(_readme()) if "children:" in block)
    (tmp_path / "hosts.yml").write_text(inventory)
    run = _cli.run(ROOT, ["ansible-inventory", "-i", str(tmp_path / "hosts.yml"), "--list"])
    assert run.returncode == 0, run.stderr
    groups = yaml.safe_load(run.stdout)
    assert {"balancers", "backends", "clients"} <= set(groups)
    assert groups["_meta"]["hostvars"]["backend1.example.com"]["tomcat_ha_strategy"] == "sticky_cluster"


@pytest.mark.parametrize("source", [README, HOSTS], ids=lambda p: p.name)
def test_the_role_examples_are_playbooks_that_parse(source, tmp_path):
    inventory = tmp_path / "hosts.yml"
    inventory.write_text("all:\n  children:\n    balancers: {hosts: {lb: {}}}\n    backends: {hosts: {b1: {}}}\n")
    examples = [block for block in _yaml_blocks(source.read_text()) if block.lstrip().startswith("- hosts:")]
    assert examples, f"{source.name} has no playbook example"
    for number, block in enumerate(examples):
        playbook = tmp_path / f"example{number}.yml"
        playbook.write_text(block)
        run = _cli.run(ROOT, ["ansible-playbook", "-i", str(inventory), str(playbook), "--syntax-check"])
        assert run.returncode == 0, f"{source.name}'s example {number} does not parse:\n{block}\n{run.stderr}"


def _code_tags() -> set[str]:
    return {tag for tags in doc_blocks.role_tags().values() for tag in tags}


def test_the_tags_the_guide_lists_are_the_roles_tags():
    block = re.search(r"<!-- BEGIN generated: tags -->\n(.*?)<!-- END generated: tags -->", HOSTS.read_text(), re.S)
    assert block, "docs/hosts.md has no tags block"
    listed = set(re.findall(r"`([a-z_]+)`", block.group(1)))
    assert listed == _code_tags(), f"docs/hosts.md's tags differ from the roles': {sorted(listed ^ _code_tags())}"


def _default(role: str, name: str):
    return yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text())[name]


def test_the_ports_the_guide_lists_are_the_defaults():
    text = HOSTS.read_text()
    topology = (ROOT / "plugins" / "action" / "topology.py").read_text()
    expected = {
        f"{_default('nginx_balancer', 'nginx_balancer_listen_port')}/tcp",
        f"{_default('nginx_balancer', 'nginx_balancer_tls_listen_port')}/tcp",
        f"{_default('session_store', 'session_store_port')}/tcp",
        "{}/udp to {}".format(
            _default("tomcat", "tomcat_cluster_mcast_port"), _default("tomcat", "tomcat_cluster_mcast_address")
        ),
        re.search(r'"tomcat_ha_http_port", "int", (\d+)', topology).group(1) + "/tcp",
        re.search(r'"tomcat_ha_cluster_port", "int", (\d+)', topology).group(1) + "/tcp",
    }
    for port in sorted(expected):
        assert f"| {port} " in text, f"docs/hosts.md's ports table does not name {port}"
    assert _default("httpd_balancer", "httpd_balancer_listen_port") == _default(
        "nginx_balancer", "nginx_balancer_listen_port"
    )


def _slugs(path: Path) -> set[str]:
    """The anchors a Markdown renderer gives the page's headings (lower case, punctuation dropped, spaces to -)."""
    headings = re.findall(r"^#+ (.*)$", re.sub(r"```.*?```", "", path.read_text(), flags=re.S), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_the_anchors_of_links_between_the_guides_resolve():
    pages = [README, *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for target, anchor in re.findall(r"\]\(([^)#\s]*)#([^)\s]+)\)", page.read_text()):
            linked = (page.parent / target) if target else page
            if linked.suffix == ".md" and anchor not in _slugs(linked):
                broken.append(f"{page.relative_to(ROOT)}: {target}#{anchor}")
    assert not broken, f"links to headings that do not exist: {broken}"
