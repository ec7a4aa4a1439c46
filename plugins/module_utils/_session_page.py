# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Parse the session test page and summarise probe samples.

Private helper (the leading underscore): the API may change without notice.
Pure functions only, shared by the session_probe module, the session_id filters and the unit tests.
Kept compatible with the oldest target Python ansible-core supports (no match statements, no X | Y types).
"""

from __future__ import annotations

import html
import json
import os
import re

# Element ids of the page contract (index.jsp) and the keys they map to (session.jsp uses the keys).
HTML_FIELDS = (
    ("server-name", "server"),
    ("server-addr", "addr"),
    ("session-id", "session_id"),
    ("jvm-route", "jvm_route"),
    ("session-count", "count"),
    ("server-time", "time"),
)
# The options of every module that reads the page (their documentation: the session_page doc fragment).
PAGE_ARGUMENT_SPEC = {
    "cookie_name": {"type": "str", "default": "JSESSIONID"},
    "page_format": {"type": "str", "default": "auto", "choices": ["auto", "html", "json"]},
    "validate_certs": {"type": "bool", "default": True},
    "ca_path": {"type": "path"},
    "headers": {"type": "dict", "default": {}},
}


def page_options(params):
    """The page options of a module's params, as the probe and the load engine take them."""
    return {
        "cookie_name": params["cookie_name"],
        "page_format": params["page_format"],
        "validate_certs": params["validate_certs"],
        "ca_path": params["ca_path"],
        "headers": {str(k): str(v) for k, v in params["headers"].items()},
    }


def ca_path_problem(ca_path):
    """One sentence saying why ca_path cannot be used, or None when it is unset or a file."""
    if ca_path is not None and not os.path.isfile(ca_path):
        return f"ca_path must be a file of PEM CA certificates, got {ca_path!r} (no such file)."
    return None


# session_id may be missing: the probe then falls back to the session cookie.
REQUIRED_FIELDS = ("server", "count")

_TAG_RE = re.compile(r"<[^>]*>")


class PageError(ValueError):
    """The response body does not follow the page contract."""


def split_session_id(value):
    """Split a session ID at the FIRST dot, as Tomcat's JvmRouteBinderValve and httpd do.

    Returns (base, route); route is '' when there is no dot.
    """
    base, _sep, route = value.partition(".")
    return base, route


def _element_text(body, element_id):
    # Tolerant of attribute order and quoting: <tag ... id="x" ...>text</tag>.
    pattern = re.compile(
        r"<(?P<tag>[A-Za-z][A-Za-z0-9]*)\b[^>]*?\sid\s*=\s*(?P<q>[\"']?)"
        + re.escape(element_id)
        + r"(?P=q)(?=[\s/>])[^>]*>"
        r"(?P<text>.*?)</(?P=tag)\s*>",
        re.IGNORECASE | re.DOTALL,
    )
    match = pattern.search(body)
    if match is None:
        return None
    return html.unescape(_TAG_RE.sub("", match.group("text"))).strip()


def _count(value):
    if isinstance(value, bool):
        raise PageError(f"session count is not an integer: {value!r}")
    try:
        count = int(value)
    except (TypeError, ValueError) as exc:
        raise PageError(f"session count is not an integer: {value!r}") from exc
    if count < 1:
        raise PageError(f"session count must be >= 1, got {count}")
    return count


def _finish(fields):
    missing = [key for key in REQUIRED_FIELDS if fields.get(key) in (None, "")]
    if missing:
        raise PageError("page lacks {}".format(", ".join(missing)))
    fields["count"] = _count(fields["count"])
    for key in ("server", "addr", "session_id", "jvm_route", "time"):
        if fields.get(key) is not None:
            fields[key] = str(fields[key])
    return fields


def parse_html(body):
    """Parse index.jsp: the values of the elements with the contract ids."""
    fields = {}
    for element_id, key in HTML_FIELDS:
        fields[key] = _element_text(body, element_id)
    return _finish(fields)


def parse_json(body):
    """Parse session.jsp: a JSON object with the contract keys."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise PageError(f"body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise PageError("JSON body is not an object")
    fields = {}
    for _element_id, key in HTML_FIELDS:
        fields[key] = data.get(key)
    return _finish(fields)


def decode_body(raw, content_type):
    """The text of a response body, in the charset its Content-Type names (UTF-8 when none or unknown)."""
    charset = "utf-8"
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip() or charset
    try:
        return raw.decode(charset, errors="replace")
    except (LookupError, ValueError):
        return raw.decode("utf-8", errors="replace")


def parse_page(body, content_type=None, page_format="auto"):
    """Parse a response body; page_format auto picks JSON when the Content-Type says so."""
    if page_format == "auto":
        page_format = "json" if content_type and "json" in content_type.lower() else "html"
    if page_format == "json":
        return parse_json(body)
    if page_format == "html":
        return parse_html(body)
    raise ValueError(f"page_format must be auto, html or json, got {page_format!r}")


def summarize(samples, cookies_given=False, start_count=None):
    """Summarise samples (dicts with error, server, session_base, session_route, count).

    Definitions (also in the module's RETURN):
    - session_changes: successful samples whose session base differs from the previous successful one.
    - counter_continued: at least one successful sample, each successful sample's count is the previous
      successful sample's count + 1 (failed samples in between are ignored), and the first successful count
      is start_count + 1 when a start_count is given, else 1 when the run started without cookies (any
      count >= 1 is accepted when cookies were given).
    - counter_resets: successful samples whose count is not greater than the previous successful count
      (a new session started, or a node answered with an older copy of the session).
    """
    ok = [s for s in samples if not s.get("error")]
    sessions = []
    backends = []
    routes = []
    changes = 0
    resets = 0
    continued = bool(ok)
    # The count the first successful sample must show; None accepts any (a continued session).
    first = start_count + 1 if start_count is not None else None if cookies_given else 1
    if ok and first is not None and ok[0]["count"] != first:
        continued = False
    previous = None
    for sample in ok:
        if sample["session_base"] not in sessions:
            sessions.append(sample["session_base"])
        if sample["server"] not in backends:
            backends.append(sample["server"])
        if sample["session_route"] not in routes:
            routes.append(sample["session_route"])
        if previous is not None:
            if sample["session_base"] != previous["session_base"]:
                changes += 1
            if sample["count"] != previous["count"] + 1:
                continued = False
            if sample["count"] <= previous["count"]:
                resets += 1
        previous = sample
    return {
        "requests": len(samples),
        "succeeded": len(ok),
        "failed": len(samples) - len(ok),
        "distinct_sessions": len(sessions),
        "distinct_backends": len(backends),
        "backends": backends,
        "session_changes": changes,
        "counter_continued": continued,
        "counter_resets": resets,
        "routes": routes,
        "first_session": ok[0]["session_base"] if ok else None,
        "last_session": ok[-1]["session_base"] if ok else None,
        "last_count": ok[-1]["count"] if ok else None,
    }
