# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""session_probe and session_load in flow mode through the real ansible CLIs, against the loopback shop."""

from __future__ import annotations

import json

import pytest
from _cli import adhoc, run

from lab.loopback import SHOP_ADD, SHOP_LOGIN, SHOP_VIEW

PROBE = "sessionlab.tomcat_ha.session_probe"
LOAD = "sessionlab.tomcat_ha.session_load"
# Step names with spaces, as a report would show them.
SHOP_FLOW = [SHOP_LOGIN, {**SHOP_ADD, "name": "add to cart"}, {**SHOP_VIEW, "name": "view cart"}]


def test_ansible_doc_names_the_flow_options_and_results(repo_root):
    for module in (PROBE, LOAD):
        result = run(repo_root, ["ansible-doc", "-t", "module", "--json", module])
        assert result.returncode == 0, result.stderr
        doc = json.loads(result.stdout)[module]
        assert {"flow", "served_by_header", "backend_names"} <= set(doc["doc"]["options"])
        assert "view cart" in doc["examples"]
        assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    probe_doc = json.loads(run(repo_root, ["ansible-doc", "-t", "module", "--json", PROBE]).stdout)[PROBE]
    assert {"state", "user"} <= set(probe_doc["doc"]["options"])
    assert set(probe_doc["return"]) == {"samples", "summary", "cookies", "last_state"}


def test_probe_walks_the_flow_and_a_second_run_continues_it(repo_root, shop_server):
    args = {
        "url": shop_server.base_url + "/",
        "count": 5,
        "flow": SHOP_FLOW,
        "served_by_header": "X-Served-By",
        "backend_names": {f"127.0.0.1:{shop_server.port}": "backend1"},
        "user": 7,
    }
    rc, first, output = adhoc(repo_root, PROBE, args, "--check")
    assert rc == 0, output
    assert first["changed"] is False
    assert [s["step"] for s in first["samples"]] == ["login", "add to cart", "view cart", "add to cart", "view cart"]
    assert first["summary"]["counter_continued"] is True
    assert first["summary"]["backends"] == ["backend1"]
    assert first["last_state"] == {"items": 2}
    assert shop_server.logins == ["u7"]

    shop_server.lose_next = 1
    rc, second, output = adhoc(
        repo_root, PROBE, {**args, "count": 4, "cookies": first["cookies"], "state": first["last_state"]}
    )
    assert rc == 0, output
    assert [s["state"]["items"] for s in second["samples"]] == [3, 2, 3, 3]
    assert second["summary"]["counter_continued"] is False
    assert second["summary"]["anomalies"] == [
        {"index": 1, "step": "view cart", "kind": "updates_lost", "key": "items", "expected": 3, "got": 2}
    ]


def test_load_walks_the_flow(repo_root, shop_server):
    args = {"url": shop_server.base_url + "/", "users": 2, "rate": 10, "duration": 1, "timeout": 5, "flow": SHOP_FLOW}
    rc, result, output = adhoc(repo_root, LOAD, {**args, "served_by_header": "X-Served-By"}, "--check")
    assert rc == 0, output
    summary = result["summary"]
    assert summary["requests"] == summary["ok"] == 10
    assert (summary["sessions_lost"], summary["updates_lost"], summary["unacked_applied"]) == (0, 0, 0)
    assert summary["steps"]["login"]["requests"] == 2
    assert summary["steps"]["add to cart"]["requests"] + summary["steps"]["view cart"]["requests"] == 8
    assert {r["step"] for r in result["history"]} == {"login", "add to cart", "view cart"}
    assert {r["server"] for r in result["history"]} == {f"127.0.0.1:{shop_server.port}"}
    assert sorted(shop_server.logins) == ["u0", "u1"]


@pytest.mark.parametrize(
    ("module", "args", "message"),
    [
        (
            PROBE,
            {"flow": [{"name": "view", "path": "/cart", "state": {"key": "n", "regex": "(", "expect": "persist"}}]},
            "flow step 1 'view': state 'n' regex '(' does not compile (missing ), unterminated subpattern at position "
            "0): fix the pattern.",
        ),
        (
            LOAD,
            {"flow": [{"path": "/login", "once": True}, {"name": "add", "path": "/a", "status": 700}]},
            "flow step 2 'add': status must be an HTTP status from 100 to 599 or a list of them, got 700.",
        ),
        (
            LOAD,
            {"flow": [{"path": "/a", "method": "POST", "form": {"a": 1}, "json": {"a": 1}}]},
            "flow step 1: form and json are two kinds of body: give one of them.",
        ),
    ],
)
def test_bad_flows_fail_with_one_sentence(repo_root, shop_server, module, args, message):
    rc, result, output = adhoc(repo_root, module, {"url": shop_server.base_url + "/", **args})
    assert rc != 0
    assert result["msg"] == message
    assert "Traceback" not in output
    assert shop_server.requests == 0
