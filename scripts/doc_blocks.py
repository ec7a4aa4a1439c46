"""make docs, after antsibull-docs: the lab's results summaries, and every generated block of the README and docs/.

    python -m scripts.doc_blocks [--report-dir lab-report]

A block is the text between ``<!-- BEGIN generated: NAME -->`` and ``<!-- END generated: NAME -->`` in README.md
or docs/*.md; BLOCKS maps each NAME to what renders it from its one source:

- the results of the last complete ``make lab`` and ``make faults``: docs/results/lab.json and faults.json, written
  here from lab-report/report.json and faults.json. A run of some rows only (``ONLY=``), of repeats (``REPEAT=``)
  or with a run that left no result (a failed provision) never replaces the summary of a complete run: it is left
  as it is, with a sentence saying why;
- playbooks/vars/faults.yml (the fault kinds), molecule/scenarios.yml (the Molecule scenarios), the Makefile's
  ``## `` help texts (the make targets), and the collection's ``tomcat_ha_*`` inputs (the topology module's
  options, the verification role's argument specs and PLAYBOOK_VARIABLES below) for docs/variables.md.

tests/unit/test_docs.py renders every block and fails when a committed one differs.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lab.report import matrix_markdown, text_table  # noqa: E402
from lab.report.rows import columns  # noqa: E402
from lab.report.table import HEADERS, cells  # noqa: E402

RESULTS = ROOT / "docs" / "results"
# The files whose blocks make docs fills: the README (its author places the markers) and the hand-written docs.
DOC_FILES = ("README.md", "docs/*.md")
# A marker is a line of its own; the same words inside a line (a doc that names the syntax) are text.
BLOCK = re.compile(
    r"^(?P<begin><!-- BEGIN generated: (?P<name>[a-z0-9-]+) -->\n)(?P<body>.*?)"
    r"^(?P<end><!-- END generated: (?P=name) -->)$",
    re.S | re.M,
)
MARKER = re.compile(r"^<!-- (BEGIN|END) generated: .* -->$", re.M)
# Each kind of run: its report in lab-report/, the command that writes it, and its summary in docs/results/.
KINDS = {
    "lab": {"report": "report.json", "command": "make lab"},
    "faults": {"report": "faults.json", "command": "make faults"},
}
# The rows the docs show as make lab prints them; the summary keeps every column of the table and what the lines
# under it read.
ROW_KEYS = (
    "experiment",
    "balancer",
    "strategy",
    "fault",
    "before",
    "faulted",
    "kept_after",
    "requests",
    "failed_requests",
    "failed_not_resent",
    "sessions_lost",
    "updates_lost",
    "longest_stall_s",
    "p99_ms",
    "client",
    "verdict",
    "matched",
    "stage_error",
    "error",
)
# The README's lab-output block: the first rows of make lab's table, the tutorial's four setups.
OUTPUT_ROWS = 4
# What a fault hits (playbooks/vars/faults.yml's scope), in words.
SCOPES = {
    "target": "the backend serving the probe's session",
    "rolling": "every backend, one at a time",
    "backends": "every backend at once",
    "store": "the session store's database host",
}
# tomcat_ha_* inputs that neither the topology module nor the verification role declares: the playbooks and the
# verification role's preflight read them directly.
PLAYBOOK_VARIABLES = [
    {
        "name": "tomcat_ha_lab",
        "default": "false",
        "meaning": "A host variable: this backend (or the store's database host) is a lab host, which `verify.yml` "
        "may fault without `tomcat_ha_fault_confirm`. The local lab's inventory sets it for its hosts.",
    },
    {
        "name": "tomcat_ha_fault_confirm",
        "default": "false",
        "meaning": "`true` lets `verify.yml` fault hosts that are not marked with `tomcat_ha_lab`: the operator "
        "saying yes, these hosts (it disrupts them; see [failover.md](failover.md)).",
    },
    {
        "name": "tomcat_ha_precheck_host",
        "default": "the first host of tomcat_ha_backends_group",
        "meaning": "The backend `playbooks/precheck.yml` runs the pre-check on.",
    },
]
# tomcat_ha_* names in playbooks/, roles/ and plugins/ that are no input of a user's, and why.
NOT_INPUTS = {
    "tomcat_ha_topology": "the fact the topology action sets",
    "tomcat_ha_remember_replaced": "a trigger and function of the session store's database",
    "tomcat_ha_keep_newer": "a trigger and function of the session store's database",
    "tomcat_ha_session_store": "the JNDI name of the session store's DataSource in Tomcat",
}
# The tables of playbooks/vars/: the playbooks load them (vars_files), so only -e overrides them.
TABLES = {
    "tomcat_ha_strategies": (
        "playbooks/vars/strategies.yml",
        "each strategy: what it sets on each balancer and Tomcat",
    ),
    "tomcat_ha_expectations": (
        "playbooks/vars/expectations.yml",
        "what each strategy promises through each fault: the verdict's bounds",
    ),
    "tomcat_ha_faults": ("playbooks/vars/faults.yml", "the fault kinds: what each hits, its hold"),
}


class DocsError(Exception):
    """A block or a summary make docs cannot write: the message says which and why."""


def _yaml(path: str):
    return yaml.safe_load((ROOT / path).read_text())


# --- the results summaries -------------------------------------------------------------------------------------


def expected_runs(kind: str) -> list[str]:
    """The runs a complete make lab (make faults) has, in the order of lab/experiments.yml."""
    data = _yaml("lab/experiments.yml")
    if kind == "lab":
        return [e["name"] for e in data["lab_experiments"]]
    return [f"{s['balancer']}-{s['strategy']}-{fault}" for s in data["lab_fault_matrix"] for fault in s["faults"]]


def _started(report_dir: Path, name: str) -> str | None:
    """When a run's load started (its result file), in UTC to the minute; None without a result."""
    result = report_dir / "results" / f"{name}.json"
    if not result.exists():
        return None
    started = json.loads(result.read_text()).get("timing", {}).get("load_started")
    return datetime.fromtimestamp(started, UTC).strftime("%Y-%m-%d %H:%M UTC") if started else None


def summarize(kind: str, report_dir: Path, cores: int | None = None) -> dict:
    """The summary of lab-report/<report> for docs/results/<kind>.json; DocsError when it is no complete run."""
    spec = KINDS[kind]
    path = report_dir / spec["report"]
    if not path.exists():
        raise DocsError(f"{path} is not there: run {spec['command']} first")
    report = json.loads(path.read_text())
    names = [r["experiment"] for r in report["rows"]]
    expected = expected_runs(kind)
    if any(".run" in name for name in names):
        raise DocsError(f"{path} is a run with REPEAT: run {spec['command']} without REPEAT to replace the summary")
    missing = [name for name in expected if name not in names]
    if missing:
        raise DocsError(
            f"{path} holds {len(names)} of the {len(expected)} runs of lab/experiments.yml (without "
            f"{', '.join(missing)}): a partial run ({spec['command']} ONLY=...) never replaces the summary of a "
            f"complete one; run {spec['command']} without ONLY"
        )
    unmeasured = [r["experiment"] for r in report["rows"] if "error" in r]
    if unmeasured:
        raise DocsError(
            f"{path} has no result for {len(unmeasured)} of its runs ({', '.join(unmeasured[:3])}"
            f"{', ...' if len(unmeasured) > 3 else ''}: a provision or a verification failed, read its log in "
            f"{report_dir / 'logs'}); run {spec['command']} again once it passes"
        )
    by_name = {r["experiment"]: r for r in report["rows"]}
    rows = [
        {key: by_name[name][key] for key in ROW_KEYS if key in by_name[name]} | {"started": _started(report_dir, name)}
        for name in expected
    ]
    timings = report.get("timings", {})
    loads = [a for r in rows for a in ((r.get("client") or {}).get("load_average") or [])]
    starts = sorted(r["started"] for r in rows if r["started"])
    # Without result files, the day the report was written.
    date = starts[0][:10] if starts else datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d")
    return {
        "command": spec["command"],
        "title": report.get("title", ""),
        "date": date,
        "cores": cores or os.cpu_count(),
        "load_average": [min(loads), max(loads)] if loads else None,
        "total_s": round(timings.get("total", 0)),
        "provisions": stages(timings, "provision"),
        "verifications": stages(timings, "verify"),
        "rows": rows,
    }


def stages(timings: dict, stage: str) -> list[int]:
    """How many stages of a kind ran, and their seconds together."""
    times = [v for k, v in timings.items() if k.endswith(f" {stage}")]
    return [len(times), round(sum(times))]


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def write_summaries(report_dir: Path, results: Path = RESULTS) -> list[str]:
    """Write docs/results/<kind>.json from each complete run in report_dir; a sentence for each left as it was."""
    notes = []
    for kind, spec in KINDS.items():
        target = results / f"{kind}.json"
        try:
            summary = summarize(kind, report_dir)
        except DocsError as exc:
            if (report_dir / spec["report"]).exists():
                notes.append(f"docs: {_shown(target)} left as it was: {exc}.")
            continue
        if target.exists():
            old = json.loads(target.read_text())
            # The same run on another machine: the machine's cores are not the run's, keep the recorded ones.
            if old["rows"] == summary["rows"]:
                summary["cores"] = old["cores"]
                if "note" in old:
                    summary["note"] = old["note"]
        text = json.dumps(summary, indent=1, ensure_ascii=False) + "\n"
        if not target.exists() or target.read_text() != text:
            results.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            notes.append(f"docs: {_shown(target)} written from {report_dir / spec['report']}.")
    return notes


def summary(kind: str, results: Path = RESULTS) -> dict | None:
    path = results / f"{kind}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _no_summary(kind: str) -> str:
    command = KINDS[kind]["command"]
    return (
        f"No complete `{command}` run is recorded yet (`docs/results/{kind}.json`): run `{command}`, then `make docs`."
    )


def _matched_line(data: dict) -> str:
    rows = data["rows"]
    matched = sum(1 for r in rows if r["matched"])
    return f"{matched} of {len(rows)} runs matched their expectation in {data['total_s']} s"


def _machine(data: dict) -> str:
    """When and where the run was: its date, its hosts' release, the machine's cores and load average."""
    load = data["load_average"]
    average = f" (load average {load[0]:g} to {load[1]:g} during the loads)" if load else ""
    release = data["title"].rpartition(", ")[2]
    hosts = f" on {release} hosts" if release.startswith("Debian") else ""
    return f"on {data['date']}{hosts}, on a machine of {data['cores']} cores{average}"


def _stage_times(data: dict) -> str:
    (provisions, provision_s), (verifications, verify_s) = data["provisions"], data["verifications"]
    return f"{provisions} provisions {provision_s} s, {verifications} verifications {verify_s} s"


def block_lab_table(results: Path = RESULTS) -> str:
    data = summary("lab", results)
    if data is None:
        return _no_summary("lab")
    return "\n".join(
        [
            f"The last complete `make lab`, {_machine(data)}:",
            "",
            "```",
            text_table(data["rows"]),
            "",
            f"lab: {_matched_line(data)}; report: lab-report/report.md, page: lab-report/index.html",
            "```",
            "",
            f"It took {data['total_s']} s: {_stage_times(data)}.",
        ]
    )


def block_lab_output(results: Path = RESULTS) -> str:
    data = summary("lab", results)
    if data is None:
        return _no_summary("lab")
    rows, rest = data["rows"][:OUTPUT_ROWS], len(data["rows"]) - OUTPUT_ROWS
    return "\n".join(
        [
            "```",
            columns([HEADERS] + [cells(r) for r in rows]),
            *([f"... {rest} more rows"] if rest > 0 else []),
            "",
            f"lab: {_matched_line(data)}; report: lab-report/report.md, page: lab-report/index.html",
            "```",
        ]
    )


def block_fault_matrix(results: Path = RESULTS) -> str:
    data = summary("faults", results)
    if data is None:
        return _no_summary("faults")
    rows = data["rows"]
    matched = sum(1 for r in rows if r["matched"])
    return "\n".join(
        [
            matrix_markdown(rows),
            "",
            f"Measured with `make faults` {_machine(data)}: {matched} of {len(rows)} cells matched their expectation; "
            f"all {len(rows)} runs took {data['total_s']} s ({_stage_times(data)}).{_note(data)}",
        ]
    )


def _note(data: dict) -> str:
    """What the summary says of its run beyond the figures (its "note", written by hand), as a sentence after them."""
    return f" {data['note']}" if data.get("note") else ""


# --- the lists the docs repeat ---------------------------------------------------------------------------------


def block_fault_kinds() -> str:
    faults = _yaml("playbooks/vars/faults.yml")["tomcat_ha_faults"]
    out = ["| fault | what it hits | hold | what it does |", "|---|---|---|---|"]
    for name, fault in faults.items():
        hold = f"{fault['hold']} s" if fault["hold"] else "none"
        out.append(f"| `{name}` | {SCOPES[fault['scope']]} | {hold} | {fault['description']} |")
    return "\n".join(out)


def scenarios() -> list[dict]:
    return _yaml("molecule/scenarios.yml")["molecule_scenarios"]


def block_scenarios() -> str:
    listed = scenarios()
    out = [f"- `{s['name']}`: {s['description']}" for s in listed if s["make_test"]]
    out += ["", "Not in `make test` (`make molecule SCENARIOS=NAME` runs one):", ""]
    out += [
        f"- `{s['name']}`: {s['description']} Not in `make test`: {s['not_in_make_test']}"
        for s in listed
        if not s["make_test"]
    ]
    return "\n".join(out)


def make_targets() -> list[tuple[str, str]]:
    """The Makefile's targets with a `## ` help text, as make help lists them."""
    found = re.findall(r"^([a-z-]+):.*## (.*)$", (ROOT / "Makefile").read_text(), re.M)
    return [(target, text.strip()) for target, text in found]


def block_make_targets() -> str:
    out = ["| target | what it does |", "|---|---|"]
    out += [f"| `make {target}` | {_cell(text)} |" for target, text in make_targets()]
    return "\n".join(out)


def _cell(text: str) -> str:
    """Text for a cell of a Markdown table."""
    parts = text.replace("|", "\\|").split("`")
    # Outside code spans, <name> would be read as HTML.
    return "`".join(part if n % 2 else part.replace("<", "&lt;") for n, part in enumerate(parts))


def _default(value: str) -> str:
    """A default for a table: a value as code, words (the fault's hold) as they are."""
    return value if re.match(r"[a-z]+ ", value) else f"`{value}`"


def _markup(text: str) -> str:
    """Ansible's documentation markup as Markdown."""
    text = re.sub(r"R\(([^,)]*),[^)]*\)", r"\1", text)
    text = re.sub(r"[MP]\((?:\w+\.\w+\.)?([\w.]+?)(?:#\w+)?\)", r"`\1`", text)
    return re.sub(r"[COVE]\(([^)]*)\)", r"`\1`", text)


def _description(value) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


def _topology_variables() -> list[dict]:
    source = (ROOT / "plugins" / "modules" / "topology.py").read_text()
    docs = next(
        node.value.value
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DOCUMENTATION"
    )
    options = yaml.safe_load(docs)["options"]
    names = {}
    for key, option in options.items():
        found = re.search(r"C\((tomcat_ha_\w+)\)", _description(option["description"]))
        if found:
            names[key] = found.group(1)
    out = []
    for key, name in names.items():
        if name in TABLES:
            continue
        text = re.sub(r"\s*\(C\(" + name + r"\)\)", "", _description(options[key]["description"]))
        # The module's other options by the collection's variable a user sets.
        text = re.sub(r"O\((\w+)\)", lambda m: f"C({names.get(m.group(1), m.group(1))})", text)
        meaning = _markup(text).replace("....", "...")
        out.append({"name": name, "default": json.dumps(options[key].get("default")), "meaning": meaning})
    return out


def _verification_variables() -> list[dict]:
    options = _yaml("roles/verification/meta/argument_specs.yml")["argument_specs"]["preflight"]["options"]
    role_names = {}
    for key, option in options.items():
        found = re.search(r"\btomcat_ha_\w+", str(option.get("default", "")) + _description(option["description"]))
        if found:
            role_names[key] = found.group(0)
    out = []
    for key, option in options.items():
        name = role_names.get(key)
        if not name or name in ("tomcat_ha_topology", "tomcat_ha_served_by_header", *TABLES):
            continue
        lines = option["description"] if isinstance(option["description"], list) else [option["description"]]
        default = "-"
        kept = []
        for line in lines:
            said = re.match(r"Defaults to " + name + r" when set(?:, else (.*?))?\.$", line)
            if said:
                default = said.group(1) or default
            else:
                kept.append(line)
        text = " ".join(kept)
        said = re.search(r"\(" + name + r", else ([^()]*)\)", text)
        given = re.search(name + r" \| default\((.*)\) \}\}$", str(option.get("default", "")))
        if default == "-" and said:
            default = said.group(1)
        elif default == "-" and given:
            default = given.group(1)
        elif default == "-" and "The default " in text:
            default = "computed (below)"
        meaning = re.sub(r"\s*\([^()]*\b" + name + r"\b[^()]*\)", "", text)
        # The role's other settings by the collection's variable a user sets.
        meaning = re.sub(r"\bverification_\w+", lambda m: role_names.get(m.group(0), m.group(0)), meaning)
        default = re.sub(r"\bverification_\w+", lambda m: role_names.get(m.group(0), m.group(0)), default)
        out.append({"name": name, "default": default, "meaning": meaning})
    return out


def variables() -> dict[str, list[dict]]:
    """The tomcat_ha_* inputs by what reads them."""
    return {
        "site.yml, verify.yml and precheck.yml: the setup (the topology action)": _topology_variables(),
        "verify.yml: the run (the verification role)": _verification_variables(),
        "The playbooks themselves": PLAYBOOK_VARIABLES,
    }


def documented_variables() -> set[str]:
    return {v["name"] for group in variables().values() for v in group} | set(TABLES)


def block_variables() -> str:
    out = []
    for title, group in variables().items():
        out += [f"### {title}", "", "| variable | default | what it is |", "|---|---|---|"]
        for v in sorted(group, key=lambda v: v["name"]):
            out.append(f"| `{v['name']}` | {_cell(_default(v['default']))} | {_cell(v['meaning'])} |")
        out.append("")
    out += ["### The tables of playbooks/vars/", "", "| variable | file | what it holds |", "|---|---|---|"]
    out += [f"| `{name}` | [`{path}`](../{path}) | {what} |" for name, (path, what) in TABLES.items()]
    return "\n".join(out)


def role_tags() -> dict[str, list[str]]:
    """Each role's tags (but always), in the order its tasks name them, tasks/main.yml first."""

    def walk(node, found: list[str]) -> None:
        if isinstance(node, dict):
            value = node.get("tags")
            for tag in [value] if isinstance(value, str) else value or []:
                if tag != "always" and tag not in found:
                    found.append(tag)
            for child in node.values():
                walk(child, found)
        elif isinstance(node, list):
            for child in node:
                walk(child, found)

    out = {}
    for role in sorted(p for p in (ROOT / "roles").iterdir() if (p / "tasks").is_dir()):
        found: list[str] = []
        files = sorted((role / "tasks").glob("*.yml"), key=lambda p: (p.name != "main.yml", p.name))
        for path in files:
            walk(yaml.safe_load(path.read_text()), found)
        if found:
            out[role.name] = found
    return out


def block_tags() -> str:
    out = ["| role | tags |", "|---|---|"]
    out += [
        f"| [{role}](reference/{role}_role.rst) | {', '.join(f'`{tag}`' for tag in tags)} |"
        for role, tags in role_tags().items()
    ]
    return "\n".join(out)


BLOCKS = {
    "lab-table": block_lab_table,
    "lab-output": block_lab_output,
    "fault-matrix": block_fault_matrix,
    "fault-kinds": block_fault_kinds,
    "scenarios": block_scenarios,
    "make-targets": block_make_targets,
    "variables": block_variables,
    "tags": block_tags,
}


# --- filling the blocks ----------------------------------------------------------------------------------------


def doc_paths() -> list[Path]:
    return sorted(path for pattern in DOC_FILES for path in ROOT.glob(pattern))


def render(text: str, where: str, rendered: dict[str, str]) -> str:
    """The text with every block it marks filled; DocsError for an unknown name or a marker without its pair."""
    pairs = [m.group("name") for m in BLOCK.finditer(text)]
    markers = MARKER.findall(text)
    if len(markers) != 2 * len(pairs):
        raise DocsError(
            f"{where}: every <!-- BEGIN generated: NAME --> needs its <!-- END generated: NAME --> after it, on a line "
            f"of its own, and none may nest: found {len(markers)} markers and {len(pairs)} whole blocks"
        )
    unknown = sorted(set(pairs) - set(BLOCKS))
    if unknown:
        raise DocsError(f"{where}: unknown generated block {', '.join(unknown)}: the blocks are {', '.join(BLOCKS)}")

    def fill(match: re.Match) -> str:
        name = match.group("name")
        if name not in rendered:
            rendered[name] = BLOCKS[name]()
        return match.group("begin") + _relinked(rendered[name], where) + "\n" + match.group("end")

    return BLOCK.sub(fill, text)


def _relinked(block: str, where: str) -> str:
    """A block's relative links, written for docs/, made relative to the file it stands in (the README's)."""
    base = Path(where).parent
    if base == Path("docs"):
        return block

    def link(match: re.Match) -> str:
        target = match.group(1)
        if "://" in target or target.startswith("#"):
            return match.group(0)
        return "](" + os.path.relpath(os.path.normpath(Path("docs") / target), base) + ")"

    return re.sub(r"\]\(([^)\s]+)\)", link, block)


def stale() -> dict[Path, tuple[str, str]]:
    """Every doc whose blocks differ from what their sources render: path to (committed, fresh)."""
    rendered: dict[str, str] = {}
    out = {}
    for path in doc_paths():
        text = path.read_text()
        fresh = render(text, str(path.relative_to(ROOT)), rendered)
        if fresh != text:
            out[path] = (text, fresh)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.doc_blocks", description=__doc__.splitlines()[0])
    parser.add_argument("--report-dir", default=str(ROOT / "lab-report"), help="where make lab wrote (lab-report)")
    opts = parser.parse_args(argv)
    try:
        for note in write_summaries(Path(opts.report_dir).resolve()):
            print(note)
        changed = stale()
    except DocsError as exc:
        print(f"docs: {exc}.", file=sys.stderr)
        return 2
    for path, texts in changed.items():
        path.write_text(texts[1])
        print(f"docs: {path.relative_to(ROOT)} regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
