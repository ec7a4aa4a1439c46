# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The session_load engine's flow mode: shoppers against the loopback shop, directly and through a real nginx."""

from __future__ import annotations

from collections import Counter

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_load import LoadParameterError, run_load
from test_session_load import RECORD_KEYS as PAGE_RECORD_KEYS
from test_session_load import by_user, later

from lab.loopback import SHOP_ADD, SHOP_FLOW, SHOP_LOGIN, SHOP_VIEW, Nginx, ShopServer, free_port, trickling_server

RECORD_KEYS = PAGE_RECORD_KEYS | {"step", "state"}
ANOMALIES = ("sessions_lost", "updates_lost", "unacked_applied")


def anomalies(summary):
    return tuple(summary[key] for key in ANOMALIES)


def shop_load(shop, **kwargs):
    arguments = {"users": 4, "rate": 40, "duration": 1.5, "timeout": 5, "flow": SHOP_FLOW}
    arguments.update(kwargs)
    return run_load(shop.base_url + "/ignored", served_by_header="X-Served-By", **arguments)


def test_clean_shoppers(shop_server):
    result = shop_load(shop_server, duration=2, jitter=0, backend_names={f"127.0.0.1:{shop_server.port}": "backend1"})
    history, summary = result["history"], result["summary"]
    assert 76 <= len(history) <= 80
    assert all(set(r) == RECORD_KEYS for r in history)
    assert all(r["outcome"] == "ok" and r["error"] is None and r["count"] is None for r in history)
    assert {r["server"] for r in history} == {"backend1"}
    assert sorted(shop_server.logins) == ["u0", "u1", "u2", "u3"]
    for records in by_user(history).values():
        steps = [r["step"] for r in records]
        assert steps == ["login"] + ["add", "view"] * ((len(steps) - 1) // 2) + ["add"] * ((len(steps) - 1) % 2)
        adds = [r["state"]["items"] for r in records if r["step"] == "add"]
        assert adds == list(range(1, len(adds) + 1))
        assert records[0]["state"] is None and records[0]["status"] == 303
        assert len({r["session"] for r in records}) == 1 and records[0]["route"] == "tomcat1"
    assert anomalies(summary) == (0, 0, 0)
    assert summary["steps"]["login"] == {"requests": 4, "failed": 0, **dict.fromkeys(ANOMALIES, 0)}
    assert summary["steps"]["add"]["requests"] + summary["steps"]["view"]["requests"] == len(history) - 4
    assert (summary["failed"], summary["missed_slots"], summary["stalled_users"]) == (0, 0, 0)


def test_a_lost_update_is_caught_on_the_view(shop_server):
    later(0.5, lambda: setattr(shop_server, "lose_next", 1))
    summary = shop_load(shop_server)["summary"]
    assert anomalies(summary) == (0, 1, 0)
    (example,) = summary["examples"]
    assert (example["kind"], example["step"], example["key"], example["got"]) == (
        "updates_lost",
        "view",
        "items",
        example["expected"] - 1,
    )
    assert summary["steps"]["view"]["updates_lost"] == 1 and summary["failed"] == 0


def test_an_add_applied_without_an_answer(shop_server):
    shop_server.close_applies = True
    later(0.5, lambda: setattr(shop_server, "close_next", 1))
    summary = shop_load(shop_server, flow=[SHOP_LOGIN, SHOP_ADD])["summary"]
    assert summary["failed_by_class"]["reset"] == 1
    assert anomalies(summary) == (0, 0, 1)
    (example,) = summary["examples"]
    assert (example["step"], example["key"], example["got"]) == ("add", "items", example["expected"] + 1)


def test_lost_sessions_send_every_user_back_to_its_login(shop_server):
    later(0.6, shop_server.forget_sessions)
    result = shop_load(shop_server)
    summary, history = result["summary"], result["history"]
    assert anomalies(summary) == (4, 0, 0)
    assert {e["kind"] for e in summary["examples"]} == {"sessions_lost"}
    # The shop sends a lost session to its login: that request failed (302) and the user logged in again.
    assert summary["failed"] == summary["failed_by_class"]["other"] == 4
    assert Counter(shop_server.logins) == {f"u{n}": 2 for n in range(4)}
    assert summary["steps"]["login"]["requests"] == 8
    for records in by_user(history).values():
        (lost,) = [r for r in records if r["outcome"] != "ok"]
        after = records[records.index(lost) + 1 :]
        assert after[0]["step"] == "login"
        assert [r["state"]["items"] for r in after if r["step"] == "add"][:1] == [1]


def test_failed_requests_are_counted_and_a_failed_login_is_made_again(shop_server):
    shop_server.fail_next = 2
    summary = shop_load(shop_server, jitter=0)["summary"]
    assert summary["failed_by_class"]["http_5xx"] == 2
    assert summary["steps"]["login"] == {"requests": 6, "failed": 2, **dict.fromkeys(ANOMALIES, 0)}
    assert anomalies(summary) == (0, 0, 0)
    assert sorted(shop_server.logins) == ["u0", "u1", "u2", "u3"]


def test_a_missing_state_value_is_a_failed_request(shop_server):
    view = {**SHOP_VIEW, "state": {**SHOP_VIEW["state"], "regex": "Items: (\\d+)"}}
    result = shop_load(shop_server, flow=[SHOP_LOGIN, SHOP_ADD, view], users=1, rate=10, duration=1)
    views = [r for r in result["history"] if r["step"] == "view"]
    assert views and all(r["outcome"] == "other" and r["state"] is None for r in views)
    assert views[0]["error"] == "state items: regex 'Items: (\\\\d+)' found nothing in the answer"
    assert result["summary"]["steps"]["view"]["failed"] == len(views)


def test_an_unfinished_request_at_the_end_names_its_step():
    with trickling_server(seconds=4) as port:
        result = run_load(
            f"http://127.0.0.1:{port}/", users=1, rate=1, duration=1, timeout=0.5, flow=[{"name": "home", "path": "/"}]
        )
    (record,) = result["history"]
    assert (record["outcome"], record["error"]) == ("timeout", "no response before the end of the run")
    assert (record["step"], record["state"]) == ("home", None)
    assert result["summary"]["steps"]["home"]["failed"] == 1


# The marker main registers for tests that need a real nginx (make unit-nginx).
@pytest.mark.nginx
def test_shoppers_through_nginx_at_200_requests_per_second(nginx_binary):
    with ShopServer() as one, ShopServer(name="backend2.test", route="tomcat2") as two:
        front = free_port()
        http_block = (
            f"  upstream shop {{ ip_hash; server 127.0.0.1:{one.port}; server 127.0.0.1:{two.port}; keepalive 16; }}\n"
            f"  server {{ listen 127.0.0.1:{front};\n"
            "    add_header X-Upstream $upstream_addr always;\n"
            '    location / { proxy_pass http://shop; proxy_http_version 1.1; proxy_set_header Connection ""; } }'
        )
        one.served_by = two.served_by = None  # the balancer names the backend, as in production
        names = {f"127.0.0.1:{one.port}": "backend1", f"127.0.0.1:{two.port}": "backend2"}
        with Nginx(http_block, binary=nginx_binary) as nginx:
            nginx.wait(front)
            result = run_load(
                f"http://127.0.0.1:{front}/",
                users=40,
                rate=200,
                duration=2,
                timeout=5,
                flow=SHOP_FLOW,
                served_by_header="X-Upstream",
                backend_names=names,
            )
    summary = result["summary"]
    slow = [(r["user"], r["step"], r["start"], r["latency_ms"]) for r in result["history"] if r["latency_ms"] > 300]
    assert summary["failed"] == 0, slow
    assert summary["requests"] >= 380 and summary["rate"] >= 190, (summary["missed_slots"], slow)
    assert anomalies(summary) == (0, 0, 0)
    assert summary["steps"]["login"]["requests"] == 40
    # ip_hash sends every loopback user to one backend, which the header names.
    assert len({r["server"] for r in result["history"]}) == 1
    assert {r["server"] for r in result["history"]} <= {"backend1", "backend2"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"flow": [{"path": "/a", "once": True}]},
            "every step of the flow is once, so nothing repeats after the login",
        ),
        ({"flow": [{"path": "/a", "method": "FETCH"}]}, "flow step 1: method must be one of GET, POST"),
        (
            {"users": 10, "rate": 10, "duration": 1.5},
            "duration must be at least (once steps + 1) * users / rate = 2 s, so that every user gets past its 1 "
            "once steps, got 1.5: raise duration or rate, or lower users.",
        ),
        ({"served_by_header": "X:Y"}, "served_by_header must be a response header name, such as X-Served-By"),
        ({"backend_names": "x"}, "backend_names must map header values, addresses or routes to names, got 'x'."),
    ],
)
def test_bad_flow_parameters_are_refused_before_any_request(shop_server, kwargs, message):
    arguments = {"users": 2, "rate": 10, "duration": 1, "flow": SHOP_FLOW}
    arguments.update(kwargs)
    with pytest.raises(LoadParameterError) as info:
        run_load(shop_server.base_url + "/", **arguments)
    assert str(info.value).startswith(message)
    assert shop_server.requests == 0
