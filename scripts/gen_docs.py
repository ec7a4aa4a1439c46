# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Generate docs/roles/*.md and docs/plugins/*.md from the sources, never by hand.

Roles: every roles/<role>/meta/argument_specs.yml. Plugins: the DOCUMENTATION, EXAMPLES and RETURN of
plugins/modules/*.py and plugins/filter/*.py (read with ast, never imported) and of plugins/filter/*.yml.

    python scripts/gen_docs.py          rewrite the pages that changed, delete the pages without a source
    python scripts/gen_docs.py --check  write nothing; list the pages that are out of date, exit 1 if any
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NAMESPACE = "sessionlab.tomcat_ha"
ROLE_DOCS = Path("docs/roles")
PLUGIN_DOCS = Path("docs/plugins")
DOC_KEYS = ("DOCUMENTATION", "EXAMPLES", "RETURN")
DIFF_LINES = 40

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceError(Exception):
    """A source file cannot be documented (bad YAML, missing DOCUMENTATION, two pages with one name)."""


# --------------------------------------------------------------------------------------------------------------
# Ansible doc markup -> Markdown

_MARKUP_START = re.compile(r"\b(HORIZONTALLINE\b|RV\(|[BCEILMOPRUV]\()")
# Semantic markup (and the link forms) accept backslash escapes; classic C(), I(), B() do not.
_ESCAPING = {"O", "V", "E", "RV", "P", "L", "R"}
_FQCN_PREFIX = re.compile(r"^[^.#]+\.[^.#]+\.[^#]+#[a-z_]+:")


def code(text: str) -> str:
    """Inline code span for any text, backticks included."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ") and text.strip()):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def _plain(text: str) -> str:
    """Escape what Markdown would swallow in running text (an HTML-like <name>), outside literal code spans."""
    parts = re.split(r"(`+[^`]*`+)", text)
    return "".join(part if i % 2 else part.replace("<", "&lt;") for i, part in enumerate(parts))


def _argument(text: str, start: int, escaping: bool) -> tuple[str, int] | None:
    """The argument of a markup call whose '(' is just before start, with balanced parentheses."""
    depth = 0
    out = []
    i = start
    while i < len(text):
        char = text[i]
        if escaping and char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return "".join(out), i + 1
            depth -= 1
        out.append(char)
        i += 1
    # Unbalanced: Ansible itself ends the argument at the first ')'.
    end = text.find(")", start)
    return (text[start:end], end + 1) if end > start else None


def _semantic_name(arg: str) -> str:
    """O()/RV() argument without a plugin prefix (fqcn#type:) or role entry point; a =value is kept."""
    name, eq, value = arg.partition("=")
    name = _FQCN_PREFIX.sub("", name)
    if name.startswith("ignore:"):
        name = name[len("ignore:") :]
    if ":" in name:
        name = name.split(":", 1)[1]
    return f"{name}{eq}{value}"


def _convert(kind: str, arg: str) -> str:
    if kind == "C":
        return code(arg)
    if kind == "I":
        return f"*{arg}*"
    if kind == "B":
        return f"**{arg}**"
    if kind in ("O", "RV"):
        return code(_semantic_name(arg))
    if kind in ("V", "E"):
        return code(arg)
    if kind == "M":
        return code(arg)
    if kind == "P":
        return code(arg.split("#", 1)[0])
    if kind == "U":
        return f"<{arg}>"
    if kind == "L":
        text, _comma, url = arg.partition(",")
        return f"[{text.strip()}]({url.strip()})"
    if kind == "R":
        return arg.partition(",")[0].strip()
    raise AssertionError(kind)


def markdown(text) -> str:
    """One paragraph of Ansible doc markup as Markdown, on one line."""
    text = " ".join(str(text).split())
    out = []
    pos = 0
    while True:
        match = _MARKUP_START.search(text, pos)
        if not match:
            break
        kind = match.group(1).rstrip("(")
        if kind == "HORIZONTALLINE":
            out.append(_plain(text[pos : match.start()]) + "<hr>")
            pos = match.end()
            continue
        found = _argument(text, match.end(), kind in _ESCAPING)
        if not found or not found[0]:
            out.append(_plain(text[pos : match.end()]))
            pos = match.end()
            continue
        arg, end = found
        out.append(_plain(text[pos : match.start()]))
        out.append(_convert(kind, arg))
        pos = end
    out.append(_plain(text[pos:]))
    return "".join(out)


def paragraphs(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [markdown(item) for item in items if str(item).strip()]


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def inline_value(value) -> str:
    """A default, choice or sample as inline code: YAML flow style, Jinja strings as they are."""
    if isinstance(value, str) and ("{{" in value or "{%" in value):
        return code(value)
    dumped = yaml.safe_dump(value, default_flow_style=True, width=2**31, allow_unicode=True, sort_keys=False)
    dumped = dumped.rstrip("\n")
    if dumped.endswith("\n..."):
        dumped = dumped[: -len("\n...")]
    if "\n" in dumped:
        dumped = json.dumps(value, ensure_ascii=False, sort_keys=False, default=str)
    return code(dumped)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


# --------------------------------------------------------------------------------------------------------------
# Options and return values


def type_of(spec: dict) -> str:
    kind = str(spec.get("type", "str"))
    if kind == "list" and spec.get("elements"):
        return f"list of {spec['elements']}"
    return kind


def suboptions(spec: dict) -> dict:
    subs = spec.get("options") or spec.get("suboptions") or {}
    return subs if isinstance(subs, dict) else {}


def child_name(parent: str, spec: dict, child: str) -> str:
    return f"{parent}[].{child}" if spec.get("type") == "list" else f"{parent}.{child}"


def describe(spec: dict) -> str:
    parts = paragraphs(spec.get("description"))
    if spec.get("aliases"):
        parts.append("Aliases: " + ", ".join(code(str(a)) for a in spec["aliases"]) + ".")
    if spec.get("version_added"):
        parts.append(f"Added in version {spec['version_added']}.")
    return "<br><br>".join(parts)


def option_tables(options: dict, first_column: str, level: int) -> list[str]:
    """The options table, then one table per option with suboptions (recursively), named with dots."""
    lines: list[str] = []
    nested: list[tuple[str, dict]] = []

    def rows_for(prefix_opts: list[tuple[str, dict]]) -> list[list[str]]:
        rows = []
        for name, spec in prefix_opts:
            spec = spec or {}
            choices = spec.get("choices")
            if isinstance(choices, dict):
                choices = list(choices)
            rows.append(
                [
                    code(name),
                    type_of(spec),
                    "" if spec.get("default") is None else inline_value(spec["default"]),
                    "yes" if spec.get("required") else "no",
                    ", ".join(inline_value(c) for c in choices or []),
                    describe(spec),
                ]
            )
        return rows

    header = [first_column, "Type", "Default", "Required", "Choices", "Description"]
    named = [(name, spec or {}) for name, spec in options.items()]
    lines += table(header, rows_for(named))
    for name, spec in named:
        if suboptions(spec):
            nested.append((name, spec))
    while nested:
        name, spec = nested.pop(0)
        children = [(child_name(name, spec, child), sub or {}) for child, sub in suboptions(spec).items()]
        lines += ["", f"{'#' * level} Suboptions of {code(name)}", ""]
        lines += table(header, rows_for(children))
        nested += [(child, sub) for child, sub in children if suboptions(sub)]
    return lines


def return_rows(values: dict, prefix: str = "") -> list[list[str]]:
    rows = []
    for key, spec in values.items():
        spec = spec or {}
        name = f"{prefix}{key}"
        rows.append(
            [
                code(name),
                type_of(spec),
                markdown(spec.get("returned", "")) if spec.get("returned") else "",
                describe(spec),
                inline_value(spec["sample"]) if "sample" in spec else "",
            ]
        )
        contains = spec.get("contains")
        if isinstance(contains, dict) and contains:
            sep = "[]." if spec.get("type") == "list" else "."
            rows += return_rows(contains, f"{name}{sep}")
    return rows


def header_comment(source: Path) -> str:
    return f"<!-- Generated by scripts/gen_docs.py from {source.as_posix()}; do not edit by hand. -->"


# --------------------------------------------------------------------------------------------------------------
# Roles


def role_page(role: str, source: Path, specs: dict) -> str:
    entry_points = specs.get("argument_specs") or {}
    if "main" not in entry_points:
        raise SourceError(f"{source}: no main entry point")
    main = entry_points["main"] or {}
    lines = [header_comment(source), "", f"# Role {NAMESPACE}.{role}", ""]
    if main.get("short_description"):
        lines += [markdown(main["short_description"]), ""]
    for paragraph in paragraphs(main.get("description")):
        lines += [paragraph, ""]
    names = ["main"] + [name for name in entry_points if name != "main"]
    for name in names:
        entry = entry_points[name] or {}
        lines += [f"## Entry point {name}", "", "```yaml", "- ansible.builtin.include_role:"]
        lines += [f"    name: {NAMESPACE}.{role}"]
        if name != "main":
            lines += [f"    tasks_from: {name}"]
        lines += ["```", ""]
        if name != "main":
            if entry.get("short_description"):
                lines += [markdown(entry["short_description"]), ""]
            for paragraph in paragraphs(entry.get("description")):
                lines += [paragraph, ""]
        options = entry.get("options") or {}
        if options:
            lines += option_tables(options, "Variable", 3) + [""]
        elif "same variables as main" in " ".join(str(p) for p in _as_list(entry.get("description"))).lower():
            lines += ["Takes the same variables as main.", ""]
        else:
            lines += ["No options.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _load_yaml(source: Path, text: str):
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise SourceError(f"{source}: {exc}") from exc


def role_pages(root: Path) -> dict[Path, str]:
    pages = {}
    for spec_file in sorted((root / "roles").glob("*/meta/argument_specs.yml")):
        role = spec_file.parents[1].name
        source = spec_file.relative_to(root)
        specs = _load_yaml(source, spec_file.read_text()) or {}
        pages[ROLE_DOCS / f"{role}.md"] = role_page(role, source, specs)
    return pages


# --------------------------------------------------------------------------------------------------------------
# Plugins


@dataclass
class PluginDoc:
    kind: str  # "module" or "filter"
    source: Path
    doc: dict
    examples: str | None = None
    returns: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.doc.get("module") or self.doc.get("name") or self.source.stem)


def python_doc_strings(path: Path) -> dict[str, str]:
    """The top-level DOCUMENTATION/EXAMPLES/RETURN string constants of a Python file, without importing it."""
    try:
        tree = ast.parse(path.read_text(), filename=str(path))
    except SyntaxError as exc:
        raise SourceError(f"{path}: {exc}") from exc
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in DOC_KEYS:
                if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    raise SourceError(f"{path}: {target.id} is not a string constant")
                found[target.id] = value.value
    return found


def fragment_doc(root: Path, name: str) -> dict:
    """The DOCUMENTATION of one of this collection's doc fragments (plugins/doc_fragments/<name>.py)."""
    prefix = "sessionlab.tomcat_ha."
    if not name.startswith(prefix):
        raise SourceError(f"documentation fragment {name!r} is not one of this collection's")
    path = root / "plugins" / "doc_fragments" / f"{name[len(prefix) :]}.py"
    if not path.exists():
        raise SourceError(f"documentation fragment {name!r}: no {path.relative_to(root)}")
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == "DOCUMENTATION" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return _load_yaml(path.relative_to(root), node.value.value) or {}
    raise SourceError(f"{path.relative_to(root)}: no DOCUMENTATION string")


def with_fragments(root: Path, doc: dict) -> dict:
    """doc with its extends_documentation_fragment merged in, as ansible-doc shows it (the plugin's own win)."""
    merged = dict(doc)
    for name in doc.get("extends_documentation_fragment") or []:
        fragment = fragment_doc(root, name)
        for key in ("options", "attributes"):
            if key in fragment:
                own = merged.get(key) or {}
                merged[key] = {**own, **{k: v for k, v in fragment[key].items() if k not in own}}
        if "notes" in fragment:
            merged["notes"] = [*(merged.get("notes") or []), *fragment["notes"]]
    merged.pop("extends_documentation_fragment", None)
    return merged


def read_plugin(root: Path, path: Path, kind: str) -> PluginDoc | None:
    source = path.relative_to(root)
    if path.suffix == ".py":
        strings = python_doc_strings(path)
        if "DOCUMENTATION" not in strings:
            if kind == "module":
                raise SourceError(f"{source}: a module without DOCUMENTATION")
            return None  # a filter file documented by .yml files (e.g. several filters in one file)
        doc = _load_yaml(source, strings["DOCUMENTATION"])
        examples = strings.get("EXAMPLES")
        returns = _load_yaml(source, strings["RETURN"]) if "RETURN" in strings else {}
    else:
        data = _load_yaml(source, path.read_text()) or {}
        if not isinstance(data, dict) or "DOCUMENTATION" not in data:
            raise SourceError(f"{source}: no top-level DOCUMENTATION key")
        doc, examples, returns = data["DOCUMENTATION"], data.get("EXAMPLES"), data.get("RETURN")
        if isinstance(doc, str):
            doc = _load_yaml(source, doc)
        if isinstance(returns, str):
            returns = _load_yaml(source, returns)
    if not isinstance(doc, dict):
        raise SourceError(f"{source}: DOCUMENTATION is not a mapping")
    return PluginDoc(kind, source, with_fragments(root, doc), examples, returns or {})


def discover_plugins(root: Path) -> list[PluginDoc]:
    plugins = []
    candidates = [("module", p) for p in sorted((root / "plugins" / "modules").glob("*.py"))]
    candidates += [("filter", p) for p in sorted((root / "plugins" / "filter").glob("*.py"))]
    candidates += [("filter", p) for p in sorted((root / "plugins" / "filter").glob("*.yml"))]
    candidates += [("filter", p) for p in sorted((root / "plugins" / "filter").glob("*.yaml"))]
    for kind, path in candidates:
        if path.name.startswith("_"):
            continue
        plugin = read_plugin(root, path, kind)
        if plugin is not None:
            plugins.append(plugin)
    return plugins


def _jinja_literal(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def filter_usage(plugin: PluginDoc) -> str:
    options = plugin.doc.get("options") or {}
    positional = plugin.doc.get("positional") or "_input"
    if isinstance(positional, str):
        positional = [p.strip() for p in positional.split(",") if p.strip()]
    args = list(positional[1:])
    for name, spec in options.items():
        if name in positional or name == "_input":
            continue
        args.append(f"{name}={_jinja_literal((spec or {}).get('default'))}")
    call = f"{NAMESPACE}.{plugin.name}" + (f"({', '.join(args)})" if args else "")
    return f"{{{{ {positional[0]} | {call} }}}}"


def _seealso_item(entry: dict) -> str:
    description = markdown(entry["description"]) if entry.get("description") else ""
    if entry.get("link"):
        label = f"[{entry.get('name') or entry['link']}]({entry['link']})"
    elif entry.get("module"):
        label = f"{code(entry['module'])} (module)"
    elif entry.get("plugin"):
        label = f"{code(entry['plugin'])} ({entry.get('plugin_type', 'plugin')})"
    else:
        label = str(entry.get("name") or entry.get("ref") or "")
    return f"- {label}: {description}" if description else f"- {label}"


def plugin_page(plugin: PluginDoc) -> str:
    doc = plugin.doc
    title = "Module" if plugin.kind == "module" else "Filter"
    lines = [header_comment(plugin.source), "", f"# {title} {NAMESPACE}.{plugin.name}", ""]
    if doc.get("short_description"):
        lines += [markdown(doc["short_description"]), ""]
    for paragraph in paragraphs(doc.get("description")):
        lines += [paragraph, ""]
    if doc.get("version_added"):
        lines += [f"Added in version {doc['version_added']}.", ""]
    if plugin.kind == "filter":
        lines += ["## Usage", "", "```jinja", filter_usage(plugin), "```", ""]
    if doc.get("requirements"):
        lines += ["## Requirements", ""] + [f"- {markdown(r)}" for r in _as_list(doc["requirements"])] + [""]
    options = doc.get("options") or {}
    lines += ["## Options", ""]
    lines += (option_tables(options, "Option", 3) if options else ["No options."]) + [""]
    attributes = doc.get("attributes") or {}
    if attributes:
        rows = []
        for name, spec in attributes.items():
            spec = spec or {}
            text = paragraphs(spec.get("description")) + paragraphs(spec.get("details"))
            rows.append([code(name), str(spec.get("support", "")), "<br><br>".join(text)])
        lines += ["## Attributes", ""] + table(["Attribute", "Support", "Description"], rows) + [""]
    if doc.get("notes"):
        lines += ["## Notes", ""] + [f"- {markdown(n)}" for n in _as_list(doc["notes"])] + [""]
    if doc.get("seealso"):
        lines += ["## See also", ""] + [_seealso_item(e or {}) for e in doc["seealso"]] + [""]
    if plugin.examples and plugin.examples.strip():
        examples = plugin.examples.strip("\n").rstrip()
        lines += ["## Examples", "", "```yaml", examples, "```", ""]
    if plugin.returns:
        lines += ["## Return values", ""]
        lines += table(["Key", "Type", "Returned", "Description", "Sample"], return_rows(plugin.returns)) + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def plugin_pages(root: Path) -> dict[Path, str]:
    pages: dict[Path, str] = {}
    sources: dict[Path, Path] = {}
    for plugin in discover_plugins(root):
        page = PLUGIN_DOCS / f"{plugin.name}.md"
        if page in sources:
            raise SourceError(f"{plugin.source} and {sources[page]} both document {plugin.name!r}")
        sources[page] = plugin.source
        pages[page] = plugin_page(plugin)
    return pages


# --------------------------------------------------------------------------------------------------------------
# Pages


def expected_pages(root: Path = ROOT) -> dict[Path, str]:
    """Every generated page, relative path to content, in a stable order."""
    pages = role_pages(root)
    pages.update(plugin_pages(root))
    return dict(sorted(pages.items()))


def existing_pages(root: Path = ROOT) -> list[Path]:
    return sorted(p.relative_to(root) for d in (ROLE_DOCS, PLUGIN_DOCS) for p in (root / d).glob("*.md"))


def stale_pages(root: Path = ROOT) -> list[tuple[Path, str | None, str | None]]:
    """(page, current text or None, generated text or None) for every page that would change."""
    expected = expected_pages(root)
    stale = []
    for page in sorted(set(expected) | set(existing_pages(root))):
        path = root / page
        current = path.read_text() if path.exists() else None
        wanted = expected.get(page)
        if current != wanted:
            stale.append((page, current, wanted))
    return stale


def short_diff(page: Path, current: str | None, wanted: str | None) -> str:
    diff = list(
        difflib.unified_diff(
            (current or "").splitlines(keepends=True),
            (wanted or "").splitlines(keepends=True),
            fromfile=f"a/{page.as_posix()}" if current is not None else "/dev/null",
            tofile=f"b/{page.as_posix()}" if wanted is not None else "/dev/null",
            n=1,
        )
    )
    shown = [line if line.endswith("\n") else line + "\n" for line in diff[:DIFF_LINES]]
    if len(diff) > DIFF_LINES:
        shown.append(f"... {len(diff) - DIFF_LINES} more diff lines\n")
    return "".join(shown)


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a page is out of date")
    args = parser.parse_args(argv)
    try:
        stale = stale_pages(root)
    except SourceError as exc:
        print(f"gen_docs: {exc}", file=sys.stderr)
        return 2
    if args.check:
        for page, current, wanted in stale:
            reason = "missing" if current is None else "has no source" if wanted is None else "out of date"
            print(f"{page.as_posix()}: {reason}")
            print(short_diff(page, current, wanted), end="")
        if stale:
            print(f"{len(stale)} page(s) out of date: run python scripts/gen_docs.py")
            return 1
        return 0
    for page, current, wanted in stale:
        path = root / page
        if wanted is None:
            path.unlink()
            print(f"deleted {page.as_posix()}")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(wanted)
            print(f"{'wrote' if current is None else 'updated'} {page.as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
