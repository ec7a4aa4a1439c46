"""docs/reference is what antsibull-docs writes (scripts/gen_docs.sh): a page per role and plugin, none stale."""

from __future__ import annotations

import ast
import difflib
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"
# Plugin directories without pages of their own: action plugins are documented by the module of their name.
UNDOCUMENTED_DIRS = {"action", "doc_fragments", "module_utils", "plugin_utils"}
# Plugin files that define several plugins, and the method that returns their names.
MAPPING_METHODS = {"filter": "filters", "test": "tests"}
DIFF_LINES = 40


@pytest.fixture(scope="module")
def fresh_pages(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("docs") / "reference"
    run = subprocess.run(
        [str(ROOT / "scripts" / "gen_docs.sh"), str(dest)], capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, f"scripts/gen_docs.sh failed:\n{run.stdout}{run.stderr}"
    return dest


def _mapped_names(path: Path, method: str) -> set[str]:
    """The keys of the dict literal that FilterModule.filters() (TestModule.tests()) returns."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef) and node.name == method:
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Dict):
                    names |= {k.value for k in ret.value.keys if isinstance(k, ast.Constant)}
    return names


def _expected_pages() -> set[str]:
    """The page antsibull-docs names for every role and plugin in the checkout, found without antsibull-docs."""
    pages = {f"{role.name}_role.rst" for role in (ROOT / "roles").iterdir() if (role / "tasks").is_dir()}
    for directory in (ROOT / "plugins").iterdir():
        if not directory.is_dir() or directory.name in UNDOCUMENTED_DIRS:
            continue
        kind = "module" if directory.name == "modules" else directory.name
        sources = [p for p in directory.iterdir() if p.suffix in (".py", ".yml", ".yaml") and p.name[0] != "_"]
        for source in sources:
            if source.suffix == ".py" and kind in MAPPING_METHODS:
                pages |= {f"{name}_{kind}.rst" for name in _mapped_names(source, MAPPING_METHODS[kind])}
            else:
                pages.add(f"{source.stem}_{kind}.rst")
    return pages


def _diff(name: str, committed: str, fresh: str) -> str:
    lines = list(
        difflib.unified_diff(
            committed.splitlines(keepends=True), fresh.splitlines(keepends=True), f"a/{name}", f"b/{name}", n=1
        )
    )
    shown = "".join(line if line.endswith("\n") else line + "\n" for line in lines[:DIFF_LINES])
    return shown + (f"... {len(lines) - DIFF_LINES} more diff lines\n" if len(lines) > DIFF_LINES else "")


def test_committed_pages_are_what_antsibull_docs_writes(fresh_pages):
    committed = {p.name: p.read_text() for p in REFERENCE.iterdir()}
    fresh = {p.name: p.read_text() for p in fresh_pages.iterdir()}
    problems = [f"docs/reference/{name}: missing\n" for name in sorted(set(fresh) - set(committed))]
    problems += [f"docs/reference/{name}: has no source\n" for name in sorted(set(committed) - set(fresh))]
    problems += [
        f"docs/reference/{name}: out of date\n" + _diff(name, committed[name], fresh[name])
        for name in sorted(set(committed) & set(fresh))
        if committed[name] != fresh[name]
    ]
    assert not problems, "run make docs\n" + "".join(problems)


def test_every_role_and_plugin_has_a_page_and_every_page_a_source():
    pages = {p.name for p in REFERENCE.glob("*.rst")} - {"index.rst"}
    expected = _expected_pages()
    missing, orphans = sorted(expected - pages), sorted(pages - expected)
    assert not missing, f"no page {missing}: a role needs meta/argument_specs.yml, a plugin DOCUMENTATION; make docs"
    assert not orphans, f"pages {orphans} have no role or plugin: run make docs"


def test_relative_links_resolve():
    """Every relative link of the README, the hand-written docs and the pages reaches a file (pages are renamed
    with roles, and antsibull-docs links other collections' plugins as if they had pages here)."""
    links = {"md": r"\]\(([^)#\s]+)(?:#[^)]*)?\)", "rst": r"<([^>#\s]+)(?:#[^>]*)?>`__?"}
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted(REFERENCE.glob("*.rst"))]
    broken = [
        f"{doc.relative_to(ROOT)}: {target}"
        for doc in docs
        for target in re.findall(links[doc.suffix[1:]], doc.read_text())
        # A target ending in "_" is an RST reference to a label of the page itself, not a file.
        if "://" not in target and not target.endswith("_") and not (doc.parent / target).exists()
    ]
    assert not broken, f"links to missing files: {broken}"
