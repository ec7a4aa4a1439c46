# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The session_load engine against real servers on 127.0.0.1: page server faults, nginx, TLS, bad parameters."""

from __future__ import annotations

import http.client
import json
import math
import socket
import ssl
import threading
import time
from collections import Counter

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils import _session_load as load_module
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_load import (
    LoadParameterError,
    classify_error,
    read_stop_condition,
    run_load,
)

from lab.loopback import Nginx, PageServer, free_port, trickling_server

RECORD_KEYS = {
    "user",
    "seq",
    "start",
    "latency_ms",
    "lag_ms",
    "outcome",
    "status",
    "session",
    "route",
    "server",
    "count",
    "new_session",
    "error",
}


def later(seconds, action):
    """Run action once after seconds, in a daemon timer (a fault injected mid-run)."""
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    timer.start()
    return timer


def by_user(history):
    users = {}
    for record in history:
        users.setdefault(record["user"], []).append(record)
    return users


def test_clean_run(page_server):
    begin = time.monotonic()
    before = time.time()
    result = run_load(page_server.base_url + "/session.jsp", users=4, rate=40, duration=2, timeout=5, jitter=0)
    # The run ends at its duration, not at a later timeout (a busy machine adds its own lateness, never 5 s).
    assert time.monotonic() - begin < 2 + 5
    history, summary = result["history"], result["summary"]
    assert (result["users"], result["rate"], result["duration"]) == (4, 40.0, 2.0)
    assert before <= result["started_at"] <= before + 1
    # 80 slots: each sent, or counted as missed when a busy machine made the generator late for it.
    assert len(history) + sum(result["missed_slots"]) == 80 and len(history) >= 40
    assert all(set(r) == RECORD_KEYS for r in history)
    assert all(r["outcome"] == "ok" and r["status"] == 200 and r["error"] is None for r in history)
    assert all(0 <= r["start"] < 2 for r in history)
    assert [r["start"] for r in history] == sorted(r["start"] for r in history)
    users = by_user(history)
    assert sorted(users) == [0, 1, 2, 3]
    for user, records in users.items():
        assert [r["seq"] for r in records] == list(range(len(records)))
        assert [r["count"] for r in records] == list(range(1, len(records) + 1)), user
        assert len({r["session"] for r in records}) == 1
        assert [r["new_session"] for r in records] == [True] + [False] * (len(records) - 1)
        assert {(r["route"], r["server"]) for r in records} == {("tomcat1", "backend1.test")}
        # Open loop: user u's slots are u/40 + k*0.1 s after t0; a request's slot is its start less its lag.
        for record in records:
            planned = record["start"] - record["lag_ms"] / 1000
            assert round((planned - user / 40) / 0.1, 2) == pytest.approx(round((planned - user / 40) / 0.1), abs=0.02)
    assert len({r["session"] for r in history}) == 4
    assert summary["requests"] == len(history) == summary["ok"]
    assert (summary["failed"], summary["users_with_anomaly"]) == (0, 0)
    assert (summary["sessions_lost"], summary["updates_lost"], summary["unacked_applied"]) == (0, 0, 0)
    assert (summary["stalled_users"], summary["longest_stall_s"]) == (0, 0.0)
    assert 38 <= summary["rate"] <= 40
    assert 0 < summary["latency_ms"]["p50"] <= summary["latency_ms"]["p99"] <= summary["latency_ms"]["max"]


def test_jitter_moves_slots_within_a_quarter_interval_and_keeps_the_count(page_server):
    # users=4 at 40/s: a user's interval is 0.1 s, so jitter 0.5 moves each slot by at most 0.025 s. The slot a
    # request was planned for is its start less its lag (how late the generator sent it), whatever the machine's
    # speed; a slot the generator missed altogether is counted in missed_slots.
    runs = [
        run_load(page_server.base_url + "/session.jsp", users=4, rate=40, duration=1, timeout=5, jitter=0.5)
        for _run in range(2)
    ]
    offsets = []
    for result in runs:
        assert len(result["history"]) + sum(result["missed_slots"]) == 40
        for record in result["history"]:
            planned = record["start"] - record["lag_ms"] / 1000.0
            nominal = record["user"] / 40 + round((planned - record["user"] / 40) / 0.1) * 0.1
            assert planned == pytest.approx(nominal, abs=0.025 + 0.002), record
            offsets.append(planned - nominal)
    assert max(abs(o) for o in offsets) > 0.005, "jitter moved nothing"


def test_html_page_and_keepalive(page_server):
    result = run_load(page_server.base_url + "/index.jsp", users=2, rate=20, duration=1, keepalive=True)
    summary = result["summary"]
    assert summary["ok"] == summary["requests"] == 20 - summary["missed_slots"] > 0
    assert summary["sessions_lost"] + summary["updates_lost"] + summary["unacked_applied"] == 0


def test_http_503_is_counted(page_server):
    page_server.fail_next = 5
    summary = run_load(page_server.base_url + "/session.jsp", users=4, rate=40, duration=1)["summary"]
    assert summary["failed_by_class"] == {"refused": 0, "reset": 0, "timeout": 0, "http_5xx": 5, "other": 0}
    assert summary["ok"] == summary["requests"] - 5
    assert summary["sessions_lost"] + summary["updates_lost"] + summary["unacked_applied"] == 0
    assert summary["stalled_users"] >= 1 and summary["unrecovered_users"] == 0


def test_connection_refused():
    port = free_port()
    result = run_load(f"http://127.0.0.1:{port}/session.jsp", users=2, rate=10, duration=1, timeout=2)
    summary = result["summary"]
    # Every slot is a refused request, unless a busy machine made the generator miss it (counted, not sent).
    assert summary["requests"] == summary["failed_by_class"]["refused"] == 10 - summary["missed_slots"] > 0
    assert all(r["status"] is None and r["error"] and r["session"] is None for r in result["history"])
    assert (summary["stalled_users"], summary["unrecovered_users"]) == (2, 2)
    assert summary["longest_stall_s"] >= 0.9
    assert summary["latency_ms"]["p50"] is not None


def test_closed_without_response_is_a_reset(page_server):
    page_server.close_next = 3
    result = run_load(page_server.base_url + "/session.jsp", users=2, rate=20, duration=1)
    summary = result["summary"]
    assert summary["failed_by_class"]["reset"] == 3
    assert summary["failed"] == 3
    resets = [r for r in result["history"] if r["outcome"] == "reset"]
    assert {r["error"] for r in resets} == {"closed without response"}
    # The closed requests were not applied: no counter anomaly.
    assert summary["sessions_lost"] + summary["updates_lost"] + summary["unacked_applied"] == 0


def test_applied_but_unacknowledged_update(page_server):
    page_server.close_applies = True
    later(0.5, lambda: setattr(page_server, "close_next", 1))
    summary = run_load(page_server.base_url + "/session.jsp", users=2, rate=20, duration=1)["summary"]
    assert summary["failed_by_class"]["reset"] == 1
    assert (summary["unacked_applied"], summary["updates_lost"], summary["sessions_lost"]) == (1, 0, 0)
    (example,) = summary["examples"]
    assert example["got"] == example["expected"] + 1


def test_stale_copy_loses_an_update(page_server):
    later(0.5, lambda: setattr(page_server, "stale_next", 1))
    summary = run_load(page_server.base_url + "/session.jsp", users=2, rate=20, duration=1)["summary"]
    assert (summary["updates_lost"], summary["unacked_applied"], summary["sessions_lost"]) == (1, 0, 0)
    assert summary["failed"] == 0


def test_timeout(page_server):
    page_server.delay = 1.0

    def slow_one():
        page_server.delay_next = 1

    later(0.3, slow_one)
    begin = time.monotonic()
    result = run_load(page_server.base_url + "/session.jsp", users=2, rate=10, duration=1, timeout=0.3)
    assert time.monotonic() - begin < 1 + 0.3 + 1
    summary = result["summary"]
    assert summary["failed_by_class"]["timeout"] == 1
    (timed_out,) = [r for r in result["history"] if r["outcome"] == "timeout"]
    assert 280 <= timed_out["latency_ms"] < 600
    assert timed_out["error"] == "request timed out"


def test_slow_request_misses_slots_and_stalls(page_server):
    page_server.delay = 1.5
    later(0.5, lambda: setattr(page_server, "delay_next", 1))
    result = run_load(page_server.base_url + "/session.jsp", users=4, rate=20, duration=2.5, timeout=5)
    history, summary = result["history"], result["summary"]
    slow = max(history, key=lambda r: r["latency_ms"])
    assert slow["outcome"] == "ok" and slow["latency_ms"] >= 1500
    missed = result["missed_slots"]
    # User slots are 0.2 s apart: a request of 1.5 s or more misses at least 7 of them, one per 0.2 s it took
    # (a busy machine may make other users miss one too: every miss is counted).
    assert 6 <= missed[slow["user"]] <= math.ceil(slow["latency_ms"] / 200)
    assert sum(missed) == summary["missed_slots"] and missed[slow["user"]] == max(missed)
    assert summary["stalled_users"] >= 1 and (summary["unrecovered_users"], summary["failed"]) == (0, 0)
    assert summary["longest_stall_s"] == pytest.approx(slow["latency_ms"] / 1000, abs=0.011)
    assert summary["sessions_lost"] + summary["updates_lost"] + summary["unacked_applied"] == 0
    others = [r for r in history if r["user"] != slow["user"]]
    # The other users kept their slots: a slow request never holds other users' requests back.
    assert all(r["latency_ms"] < slow["latency_ms"] for r in others)
    assert len(others) + sum(n for user, n in enumerate(missed) if user != slow["user"]) >= 3 * 12


def test_forgotten_sessions_are_lost(page_server):
    later(0.5, page_server.forget_sessions)
    result = run_load(page_server.base_url + "/session.jsp", users=4, rate=40, duration=1)
    summary = result["summary"]
    assert (summary["sessions_lost"], summary["users_with_anomaly"]) == (4, 4)
    assert (summary["updates_lost"], summary["unacked_applied"], summary["failed"]) == (0, 0, 0)
    assert {e["kind"] for e in summary["examples"]} == {"sessions_lost"}
    assert Counter(r["user"] for r in result["history"] if r["new_session"]) == dict.fromkeys(range(4), 2)


def test_unparseable_page_404_and_redirect_are_other(page_server):
    for path, status in (("/garbage", 200), ("/nope", 404), ("/redirect", 302)):
        result = run_load(page_server.base_url + path, users=1, rate=4, duration=0.5)
        summary = result["summary"]
        assert summary["failed_by_class"]["other"] == summary["requests"] == _sent(result), path
        assert {r["status"] for r in result["history"]} == {status}
    assert result["history"][0]["error"] == "HTTP 302"  # redirects are not followed


def test_run_deadline_bounds_a_trickling_server():
    """A server that trickles header bytes defeats per-read timeouts: the run's deadline still ends it."""
    with trickling_server() as port:
        begin = time.monotonic()
        result = run_load(f"http://127.0.0.1:{port}/", users=1, rate=1, duration=1, timeout=0.5)
        assert time.monotonic() - begin <= 1 + 0.5 + 1
    (record,) = result["history"]
    assert (record["outcome"], record["error"]) == ("timeout", "no response before the end of the run")
    assert record["latency_ms"] >= 1000
    assert result["summary"]["unrecovered_users"] == 1


def _sent(result, slots=2):
    """The requests a run sent: each of its slots is sent, or counted as missed when a busy machine made the generator
    late for it (the first slot is never missed)."""
    assert len(result["history"]) + sum(result["missed_slots"]) == slots
    assert result["history"], "the run sent no request"
    return len(result["history"])


def test_plain_http_server_behind_an_https_url_is_a_tls_error(page_server):
    url = page_server.base_url.replace("http://", "https://") + "/session.jsp"
    result = run_load(url, users=1, rate=4, duration=0.5)
    assert result["summary"]["failed_by_class"]["other"] == _sent(result)
    assert result["history"][0]["error"].startswith("TLS error: ")


def test_https(tls_page_server):
    server, ca_path = tls_page_server
    url = server.base_url + "/session.jsp"
    trusted = run_load(url, users=1, rate=4, duration=0.5, ca_path=ca_path)
    assert trusted["summary"]["ok"] == trusted["summary"]["requests"] == _sent(trusted)
    unchecked = run_load(url, users=1, rate=4, duration=0.5, validate_certs=False)
    assert unchecked["summary"]["ok"] == _sent(unchecked)
    refused = run_load(url, users=1, rate=4, duration=0.5)
    assert refused["summary"]["failed_by_class"]["other"] == _sent(refused)
    assert "certificate verify failed" in refused["history"][0]["error"]


@pytest.mark.nginx
def test_200_requests_per_second_through_nginx(nginx_binary):
    with PageServer() as one, PageServer(name="backend2.test", route="tomcat2") as two:
        front = free_port()
        http_block = (
            f"  upstream tomcat {{ ip_hash; server 127.0.0.1:{one.port}; server 127.0.0.1:{two.port};"
            " keepalive 16; }\n"
            f"  server {{ listen 127.0.0.1:{front};\n"
            '    location / { proxy_pass http://tomcat; proxy_http_version 1.1; proxy_set_header Connection ""; } }'
        )
        with Nginx(http_block, binary=nginx_binary) as nginx:
            nginx.wait(front)
            summary = run_load(f"http://127.0.0.1:{front}/session.jsp", users=40, rate=200, duration=2, timeout=5)[
                "summary"
            ]
    assert summary["failed"] == 0
    assert summary["requests"] >= 380 and summary["rate"] >= 190
    assert summary["sessions_lost"] + summary["updates_lost"] + summary["unacked_applied"] == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"users": 0}, "users must be a whole number from 1 to 500, got 0."),
        ({"jitter": 1.5}, "jitter must be a number from 0 to 1 (a fraction of a user's interval), got 1.5."),
        ({"jitter": float("nan")}, "jitter must be a number from 0 to 1"),
        ({"users": 501}, "users must be a whole number from 1 to 500, got 501."),
        ({"users": True}, "users must be a whole number from 1 to 500, got True."),
        (
            {"rate": float("nan")},
            "rate must be a finite number of requests per second above 0 and at most 2000, got nan.",
        ),
        (
            {"rate": float("inf")},
            "rate must be a finite number of requests per second above 0 and at most 2000, got inf.",
        ),
        ({"rate": 0}, "rate must be a finite number of requests per second above 0 and at most 2000, got 0."),
        ({"rate": 2001}, "rate must be a finite number of requests per second above 0 and at most 2000, got 2001."),
        ({"duration": 0}, "duration must be a finite number of seconds above 0 and at most 3600, got 0."),
        ({"duration": float("nan")}, "duration must be a finite number of seconds above 0 and at most 3600, got nan."),
        ({"timeout": float("inf")}, "timeout must be a finite number of seconds above 0, got inf."),
        ({"timeout": 0}, "timeout must be a finite number of seconds above 0, got 0."),
        ({"fast_ms": -1}, "fast_ms must be a finite number of milliseconds above 0, got -1."),
        (
            {"users": 10, "rate": 1001},
            "rate per user must be at most 100 requests per second, got 100.1 (rate 1001 / users 10): "
            "raise users to at least 11 or lower rate.",
        ),
        (
            {"users": 100, "rate": 2000, "duration": 101},
            "rate * duration must be at most 200000 requests, got 2000 * 101 = 202000: lower rate or duration.",
        ),
        (
            {"users": 100, "rate": 10, "duration": 5},
            "duration must be at least users / rate = 10 s (one user's interval between requests), got 5: "
            "raise duration or rate, or lower users, so that every user sends a request.",
        ),
        (
            {"url": "http://[::1/x"},
            "url 'http://[::1/x' cannot be parsed (Invalid IPv6 URL): give an absolute http:// or https:// URL.",
        ),
        ({"url": "ftp://x"}, "url must be an absolute http:// or https:// URL, got 'ftp://x'."),
        ({"url": "/session.jsp"}, "url must be an absolute http:// or https:// URL, got '/session.jsp'."),
        ({"url": "http://127.0.0.1:99999/"}, "url 'http://127.0.0.1:99999/' cannot be parsed (Port out of range"),
        ({"page_format": "xml"}, "page_format must be auto, html or json, got 'xml'."),
        ({"cookie_name": "a=b"}, "cookie_name must be a cookie name without"),
        ({"headers": {"X-A": "b\r\nX-Evil: 1"}}, "headers must map header names"),
        ({"ca_path": "/nonexistent/ca.pem"}, "ca_path must be a file of PEM CA certificates"),
    ],
)
def test_bad_parameters_are_refused_before_any_request(page_server, kwargs, message):
    arguments = {"url": page_server.base_url + "/session.jsp", "users": 2, "rate": 10, "duration": 1}
    arguments.update(kwargs)
    with pytest.raises(LoadParameterError) as info:
        run_load(**arguments)
    assert str(info.value).startswith(message)
    assert page_server.requests == 0


@pytest.mark.parametrize(
    ("exc", "outcome", "text"),
    [
        (
            ConnectionRefusedError(111, "Connection refused"),
            "refused",
            "request failed: [Errno 111] Connection refused",
        ),
        (http.client.RemoteDisconnected("Remote end closed connection"), "reset", "closed without response"),
        (http.client.IncompleteRead(b"ab", 10), "reset", "closed before the end of the response"),
        (BrokenPipeError(32, "Broken pipe"), "reset", "broken pipe"),
        (ConnectionResetError(104, "Connection reset by peer"), "reset", "connection reset"),
        (
            ssl.SSLEOFError(8, "EOF occurred in violation of protocol"),
            "reset",
            "TLS connection closed without response",
        ),
        (TimeoutError("timed out"), "timeout", "request timed out"),
        (ssl.SSLCertVerificationError(1, "certificate verify failed"), "other", "TLS error: "),
        (socket.gaierror(-2, "Name or service not known"), "other", "name resolution failed: "),
        (http.client.LineTooLong("header line"), "other", "bad response: "),
        (OSError(113, "No route to host"), "other", "request failed: [Errno 113] No route to host"),
    ],
)
def test_error_classes(exc, outcome, text):
    got_outcome, got_text = classify_error(exc)
    assert got_outcome == outcome
    assert got_text.startswith(text)


def test_stop_file_ends_the_schedule_early(page_server, tmp_path):
    stop = tmp_path / "stop"
    timer = threading.Timer(0.6, stop.touch)
    timer.start()
    begin = time.monotonic()
    result = run_load(page_server.base_url + "/session.jsp", users=2, rate=20, duration=10, stop_file=str(stop))
    timer.join()
    # Ended by the file at 0.6 s, not by its 10 s (a busy machine notices the file late, never 5 s late).
    assert time.monotonic() - begin < 5
    assert 0.5 <= result["duration"] < 5
    assert all(r["start"] < result["duration"] for r in result["history"])
    assert result["summary"]["rate"] == pytest.approx(len(result["history"]) / result["duration"], abs=0.1)


def test_an_existing_stop_file_is_refused(page_server, tmp_path):
    stop = tmp_path / "stop"
    stop.touch()
    with pytest.raises(LoadParameterError) as info:
        run_load(page_server.base_url + "/session.jsp", users=2, rate=20, duration=1, stop_file=str(stop))
    assert "stop_file must be the path of a file that does not exist yet" in str(info.value)
    assert page_server.requests == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("stop", "must be empty or a JSON object"),
        ('{"when": 1}', "may only have server, requests, since and tail"),
        ('{"server": "b1"}', "server and requests go together"),
        ('{"server": "b1", "requests": 0}', "server and requests go together"),
        ('{"tail": -1}', "tail must be a number of seconds from 0"),
        ('{"since": "now"}', "since must be a number of seconds from 0"),
    ],
)
def test_a_stop_condition_it_cannot_read_is_one_sentence(text, message):
    with pytest.raises(LoadParameterError, match=message):
        read_stop_condition(text)
    assert read_stop_condition("") == {}
    assert read_stop_condition('{"server": "b1", "requests": 3, "tail": 2}')["requests"] == 3


def write_later(path, text, delay):
    """The stop file as a caller writes it: whole, at once (rename), after delay seconds."""

    def write():
        draft = path.with_suffix(".draft")
        draft.write_text(text)
        draft.rename(path)

    timer = threading.Timer(delay, write)
    timer.start()
    return timer


def test_the_schedule_ends_a_tail_after_the_backend_served_the_requests_asked_for(page_server, tmp_path):
    """The caller asks, at 0.3 s, for 5 answers of the page's backend from 0.8 s on (epoch seconds), then 0.5 s
    more: the run ends once they came and the tail has run, long before its 10 s."""
    stop = tmp_path / "stop"
    since = time.time() + 0.8
    name = page_server.name
    timer = write_later(stop, json.dumps({"server": name, "requests": 5, "since": since, "tail": 0.5}), 0.3)
    result = run_load(page_server.base_url + "/session.jsp", users=2, rate=20, duration=10, stop_file=str(stop))
    timer.join()
    stopped = result["stop"]
    assert stopped["ended_by"] == "condition" and stopped["served"] == 5, stopped
    assert stopped["met"] >= since - result["started_at"]
    # The tail ran after the condition held, and nothing after it.
    assert result["duration"] == pytest.approx(stopped["met"] + 0.5, abs=0.25)
    assert result["duration"] < 3


def test_a_condition_that_never_holds_ends_with_the_duration_and_says_so(page_server, tmp_path):
    stop = tmp_path / "stop"
    timer = write_later(stop, json.dumps({"server": "nosuch", "requests": 1}), 0.2)
    result = run_load(page_server.base_url + "/session.jsp", users=2, rate=20, duration=1.5, stop_file=str(stop))
    timer.join()
    assert result["stop"]["ended_by"] == "duration" and result["stop"]["met"] is None
    assert result["stop"]["served"] == 0 and result["duration"] == 1.5


def test_the_client_figures_say_how_the_generator_itself_kept_up(page_server):
    result = run_load(page_server.base_url + "/session.jsp", users=4, rate=40, duration=1, jitter=0)
    client = result["summary"]["client"]
    assert set(client) == {"lag_ms", "missed_slots", "cpu_s", "cpu_share", "load_average", "behind", "behind_bound_ms"}
    assert all(r["lag_ms"] is not None and r["lag_ms"] >= 0 for r in result["history"])
    assert client["lag_ms"]["max"] == max(r["lag_ms"] for r in result["history"])
    assert client["behind_bound_ms"] == 100.0 and client["cpu_s"] >= 0


def test_a_slot_the_generator_wakes_too_late_for_is_missed_not_lost(page_server, monkeypatch):
    # A busy machine: every sleep overshoots by 0.3 s, so the generator wakes for the second slot (0.25 s) after
    # the schedule's end (0.5 s). That slot was neither sent nor counted as missed; it is missed.
    real_sleep = time.sleep
    monkeypatch.setattr(load_module.time, "sleep", lambda seconds: real_sleep(seconds + 0.3))
    result = run_load(page_server.base_url + "/session.jsp", users=1, rate=4, duration=0.5, timeout=5, jitter=0)
    assert len(result["history"]) == 1 and result["missed_slots"] == [1]
