# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_page import (
    PageError,
    parse_html,
    parse_json,
    parse_page,
    split_session_id,
    summarize,
)

HTML = """<html><body><h1>Tomcat session test</h1>
<div>On <span id="server-name">backend1.qyh.com</span></div>
<div id="server-addr">172.18.0.3:8080</div>
<div>SessionID = <span id="session-id" style="color:blue">4F3AB2.tomcat1</span></div>
<div>jvmRoute = <span id="jvm-route">tomcat1</span></div>
<div>count = <span id="session-count">3</span></div>
<div id="server-time">Mon Nov 23 19:00:00 UTC 2026</div>
</body></html>"""

EXPECTED = {
    "server": "backend1.qyh.com",
    "addr": "172.18.0.3:8080",
    "session_id": "4F3AB2.tomcat1",
    "jvm_route": "tomcat1",
    "count": 3,
    "time": "Mon Nov 23 19:00:00 UTC 2026",
}


def test_parse_html():
    assert parse_html(HTML) == EXPECTED


def test_parse_html_attribute_order_quotes_case_and_nested_markup():
    body = (
        "<SPAN class='x' ID='server-name' data-x=\"1\"><b>backend&#49;</b></SPAN>"
        '<span style="color:blue" id=session-id >ABC.t1</span>'
        '<p id="session-count-old">9</p><p data-id="session-count">8</p><p id="session-count">\n  12\n</p>'
    )
    assert parse_html(body) == {
        "server": "backend1",
        "addr": None,
        "session_id": "ABC.t1",
        "jvm_route": None,
        "count": 12,
        "time": None,
    }


def test_parse_json():
    assert parse_json(json.dumps(EXPECTED)) == EXPECTED
    assert parse_json(json.dumps(dict(EXPECTED, count="4")))["count"] == 4


@pytest.mark.parametrize(
    ("content_type", "page_format", "body"),
    [
        ("application/json", "auto", json.dumps(EXPECTED)),
        ("application/json;charset=UTF-8", "auto", json.dumps(EXPECTED)),
        ("text/html;charset=UTF-8", "auto", HTML),
        (None, "auto", HTML),
        ("text/plain", "json", json.dumps(EXPECTED)),
        ("application/json", "html", HTML),
    ],
)
def test_parse_page_format_selection(content_type, page_format, body):
    assert parse_page(body, content_type, page_format) == EXPECTED


@pytest.mark.parametrize(
    ("parser", "body", "fragment"),
    [
        (parse_html, "<html>It works!</html>", "page lacks server, count"),
        (parse_html, HTML.replace(">3<", ">three<"), "session count is not an integer: 'three'"),
        (parse_html, HTML.replace(">3<", ">0<"), "must be >= 1"),
        (parse_json, "{not json", "body is not valid JSON"),
        (parse_json, "[1, 2]", "JSON body is not an object"),
        (parse_json, json.dumps(dict(EXPECTED, count=True)), "not an integer: True"),
        (parse_json, json.dumps({"server": "x"}), "page lacks count"),
    ],
)
def test_parse_errors(parser, body, fragment):
    with pytest.raises(PageError) as err:
        parser(body)
    assert fragment in str(err.value)


def test_split_session_id():
    assert split_session_id("A.b.c") == ("A", "b.c")
    assert split_session_id("A") == ("A", "")


def _ok(base, count, route="tomcat1", server="b1"):
    return {"error": None, "server": server, "session_base": base, "session_route": route, "count": count}


FAILED = {"error": "HTTP 503", "server": None, "session_base": None, "session_route": None, "count": None}


def test_summary_continued_session_with_failover_and_a_failure():
    samples = [_ok("S", 1), _ok("S", 2), FAILED, _ok("S", 3, "tomcat2", "b2"), _ok("S", 4, "tomcat2", "b2")]
    assert summarize(samples) == {
        "requests": 5,
        "succeeded": 4,
        "failed": 1,
        "distinct_sessions": 1,
        "distinct_backends": 2,
        "backends": ["b1", "b2"],
        "session_changes": 0,
        "counter_continued": True,
        "counter_resets": 0,
        "routes": ["tomcat1", "tomcat2"],
        "first_session": "S",
        "last_session": "S",
        "last_count": 4,
    }


def test_summary_lost_session():
    summary = summarize([_ok("S", 1), _ok("S", 2), _ok("T", 1, server="b2"), _ok("T", 2, server="b2"), _ok("S", 3)])
    assert summary["session_changes"] == 2
    assert summary["distinct_sessions"] == 2
    assert summary["counter_continued"] is False
    assert summary["counter_resets"] == 1
    assert (summary["first_session"], summary["last_session"]) == ("S", "S")


def test_summary_stale_copy_counts_as_reset_and_gap_breaks_continuity():
    assert summarize([_ok("S", 1), _ok("S", 2), _ok("S", 2)])["counter_resets"] == 1
    gap = summarize([_ok("S", 1), _ok("S", 3)])
    assert (gap["counter_continued"], gap["counter_resets"]) == (False, 0)


def test_summary_first_count_rule_depends_on_cookies():
    assert summarize([_ok("S", 5), _ok("S", 6)])["counter_continued"] is False
    assert summarize([_ok("S", 5), _ok("S", 6)], cookies_given=True)["counter_continued"] is True


def test_summary_all_failed():
    summary = summarize([FAILED, FAILED])
    assert summary["failed"] == 2
    assert summary["succeeded"] == 0
    assert summary["counter_continued"] is False
    assert summary["first_session"] is None
    assert summary["routes"] == []
