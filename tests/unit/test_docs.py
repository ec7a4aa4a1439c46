"""docs/reference is what antsibull-docs writes (scripts/gen_docs.sh): a page per role and plugin, none stale; every
generated block of README.md and docs/*.md is what its source renders (scripts/doc_blocks.py)."""

from __future__ import annotations

import ast
import difflib
import json
import re
import subprocess
from pathlib import Path

import pytest

from lab.report import row, text_table, write_report
from lab.tests.test_report import result as report_result
from scripts import doc_blocks

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


# --- the generated blocks of README.md and docs/*.md (scripts/doc_blocks.py, make docs) ---------------------------

SCENARIOS_DEFAULT = re.compile(r"^SCENARIOS \?= (.*)$", re.M)
VARIABLE = re.compile(r"\btomcat_ha_[a-z0-9_]+")


def test_generated_blocks_are_what_their_sources_render():
    try:
        changed = doc_blocks.stale()
    except doc_blocks.DocsError as exc:
        pytest.fail(f"make docs cannot fill the docs' blocks: {exc}", pytrace=False)
    problems = [
        f"{path.relative_to(ROOT)}: out of date\n" + _diff(path.name, committed, fresh)
        for path, (committed, fresh) in changed.items()
    ]
    assert not problems, "run make docs\n" + "".join(problems)


def test_an_unknown_block_or_a_lone_marker_is_refused():
    with pytest.raises(doc_blocks.DocsError, match="unknown generated block lab-tabel"):
        doc_blocks.render("<!-- BEGIN generated: lab-tabel -->\n<!-- END generated: lab-tabel -->\n", "x.md", {})
    with pytest.raises(doc_blocks.DocsError, match="needs its <!-- END generated: NAME -->"):
        doc_blocks.render("<!-- BEGIN generated: scenarios -->\ntext\n", "x.md", {})


def test_a_block_is_filled_and_the_text_around_it_kept():
    text = (
        "before\n<!-- BEGIN generated: fault-kinds -->\nold\n<!-- END generated: fault-kinds -->\n"
        "after `<!-- END generated: x -->`\n"
    )
    filled = doc_blocks.render(text, "x.md", {})
    assert filled.startswith("before\n<!-- BEGIN generated: fault-kinds -->\n| fault |")
    assert "| `kill_all` | every backend at once |" in filled
    assert filled.endswith("<!-- END generated: fault-kinds -->\nafter `<!-- END generated: x -->`\n")
    assert doc_blocks.render(filled, "x.md", {}) == filled


def test_a_block_in_the_readme_links_from_the_root():
    filled = doc_blocks.render(
        "<!-- BEGIN generated: variables -->\n<!-- END generated: variables -->\n", "README.md", {}
    )
    assert "](playbooks/vars/faults.yml)" in filled and "](docs/failover.md)" in filled
    in_docs = doc_blocks.render(
        "<!-- BEGIN generated: variables -->\n<!-- END generated: variables -->\n", "docs/x.md", {}
    )
    assert "](../playbooks/vars/faults.yml)" in in_docs and "](failover.md)" in in_docs


def test_every_scenario_is_listed_and_in_make_test_or_left_out_with_a_reason():
    directories = {p.parent.name for p in (ROOT / "molecule").glob("*/molecule.yml")}
    listed = doc_blocks.scenarios()
    names = [s["name"] for s in listed]
    assert sorted(names) == sorted(directories), (
        f"molecule/scenarios.yml lists {sorted(set(names) - directories)} without a directory and misses "
        f"{sorted(directories - set(names))}"
    )
    in_make_test = SCENARIOS_DEFAULT.search((ROOT / "Makefile").read_text()).group(1).split()
    assert in_make_test == [s["name"] for s in listed if s["make_test"]], (
        "the Makefile's SCENARIOS must be the scenarios molecule/scenarios.yml marks make_test: true, in its order"
    )
    for s in listed:
        assert s["description"].strip(), f"scenario {s['name']}: say what it checks"
        assert bool(s.get("not_in_make_test")) != s["make_test"], (
            f"scenario {s['name']}: not_in_make_test is the reason make test leaves a scenario out, and only then"
        )


def _variables_read() -> set[str]:
    sources = [ROOT / "site.yml"] + [
        p
        for d in ("playbooks", "roles", "plugins")
        for p in (ROOT / d).rglob("*")
        if p.suffix in (".yml", ".py", ".j2")
    ]
    return {name for path in sources for name in VARIABLE.findall(path.read_text())}


def test_every_tomcat_ha_variable_read_is_documented():
    read = _variables_read()
    documented = doc_blocks.documented_variables()
    missing = sorted(read - documented - set(doc_blocks.NOT_INPUTS))
    assert not missing, (
        f"{missing} are read in playbooks/, roles/ or plugins/ but documented nowhere: describe them in the topology "
        "module's options, the verification role's argument specs or PLAYBOOK_VARIABLES (scripts/doc_blocks.py)"
    )
    stale = sorted((documented | set(doc_blocks.NOT_INPUTS)) - read)
    assert not stale, f"{stale} are documented but nothing reads them: remove them from their source"


def test_the_results_summaries_are_runs_of_the_current_experiments():
    for kind in doc_blocks.KINDS:
        data = doc_blocks.summary(kind)
        if data is None:
            assert "No complete" in (doc_blocks.block_lab_table() if kind == "lab" else doc_blocks.block_fault_matrix())
            continue
        rows = [r["experiment"] for r in data["rows"]]
        assert rows == doc_blocks.expected_runs(kind), (
            f"docs/results/{kind}.json holds {rows}, lab/experiments.yml has others: run "
            f"{doc_blocks.KINDS[kind]['command']}, then make docs"
        )


def _lab_report(directory: Path, names: list[str]) -> Path:
    """A lab-report/ written by the report's own code, one matched run per name (make lab's or make faults')."""
    results = []
    for n, name in enumerate(names):
        run = report_result()
        run["experiment"] = name
        run["timing"] = dict(run["timing"], load_started=1796659200.0 + 60 * n)
        run["load"]["summary"]["client"] = {
            "lag_ms": {"p99": 3.0},
            "missed_slots": 0,
            "cpu_s": 1.0,
            "load_average": [0.5 + n, 1.5 + n],
            "behind": False,
        }
        results.append(run)
        (directory / "results").mkdir(parents=True, exist_ok=True)
        (directory / "results" / f"{name}.json").write_text(json.dumps(run))
    timings = {f"{name} {stage}": 10.0 for name in names for stage in ("provision", "verify")}
    kind = "faults" if names[0] not in doc_blocks.expected_runs("lab") else "report"
    write_report(results, directory, {**timings, "total": 123.4}, name=kind, title="Lab, Debian 12 (bookworm)")
    return directory


def test_a_complete_run_is_summarised_and_rendered_as_make_lab_prints_it(tmp_path):
    names = doc_blocks.expected_runs("lab")
    report_dir = _lab_report(tmp_path / "lab-report", names)
    results = tmp_path / "results"
    notes = doc_blocks.write_summaries(report_dir, results)
    assert notes == [f"docs: {results / 'lab.json'} written from {report_dir / 'report.json'}."]
    data = doc_blocks.summary("lab", results)
    assert [r["experiment"] for r in data["rows"]] == names
    assert data["rows"][0]["started"] == "2026-12-07 16:00 UTC"
    assert (data["date"], data["total_s"], data["provisions"]) == ("2026-12-07", 123, [len(names), 10 * len(names)])
    assert data["load_average"] == [0.5, len(names) + 0.5]
    table = doc_blocks.block_lab_table(results)
    printed = text_table([row(json.loads((report_dir / "results" / f"{n}.json").read_text())) for n in names])
    assert printed in table
    assert f"lab: {len(names)} of {len(names)} runs matched their expectation in 123 s" in table
    output = doc_blocks.block_lab_output(results)
    # The tutorial's four setups, then how many rows follow.
    assert names[3] in output and names[4] not in output and f"... {len(names) - 4} more rows" in output
    assert doc_blocks.write_summaries(report_dir, results) == [], "a second make docs changes nothing"


def test_a_partial_or_repeated_run_never_replaces_the_summary_of_a_complete_one(tmp_path):
    names = doc_blocks.expected_runs("faults")
    results = tmp_path / "results"
    doc_blocks.write_summaries(_lab_report(tmp_path / "complete", names), results)
    complete = (results / "faults.json").read_text()
    assert "| setup |" in doc_blocks.block_fault_matrix(results)
    assert f"all {len(names)} runs took 123 s" in doc_blocks.block_fault_matrix(results)
    notes = doc_blocks.write_summaries(_lab_report(tmp_path / "partial", names[:1]), results)
    assert len(notes) == 1 and "holds 1 of the" in notes[0] and "ONLY=" in notes[0], notes
    notes = doc_blocks.write_summaries(_lab_report(tmp_path / "repeat", [f"{n}.run1" for n in names]), results)
    assert len(notes) == 1 and "REPEAT" in notes[0], notes
    failed = _lab_report(tmp_path / "failed", names)
    report = json.loads((failed / "faults.json").read_text())
    report["rows"][1] = {**report["rows"][1], "error": "provision failed", "matched": False}
    (failed / "faults.json").write_text(json.dumps(report))
    notes = doc_blocks.write_summaries(failed, results)
    assert len(notes) == 1 and f"no result for 1 of its runs ({names[1]}: a provision" in notes[0], notes
    assert (results / "faults.json").read_text() == complete


def test_a_summarys_note_is_rendered_and_kept_when_the_same_run_is_summarised_again(tmp_path):
    names = doc_blocks.expected_runs("faults")
    report_dir, results = _lab_report(tmp_path / "lab-report", names), tmp_path / "results"
    doc_blocks.write_summaries(report_dir, results)
    data = json.loads((results / "faults.json").read_text())
    (results / "faults.json").write_text(json.dumps({**data, "note": "Two runs of that day."}, indent=1) + "\n")
    assert doc_blocks.block_fault_matrix(results).endswith(" s). Two runs of that day.")
    doc_blocks.write_summaries(report_dir, results)
    assert doc_blocks.summary("faults", results)["note"] == "Two runs of that day."
