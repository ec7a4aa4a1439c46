# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The session_probe sampling loop against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import re

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_probe import (
    ProbeParameterError,
    apply_set_cookies,
    parse_set_cookie,
    run_probe,
)

from lab.loopback import free_port

SAMPLE_KEYS = {
    "index",
    "status",
    "server",
    "addr",
    "session_id",
    "session_base",
    "session_route",
    "count",
    "elapsed_ms",
    "started",
    "cookies_set",
    "error",
}


@pytest.mark.parametrize("path", ["/index.jsp", "/session.jsp"])
def test_one_session_counts_up(page_server, path):
    result = run_probe(page_server.base_url + path, count=5)
    samples = result["samples"]
    assert [s["count"] for s in samples] == [1, 2, 3, 4, 5]
    assert all(set(s) == SAMPLE_KEYS for s in samples)
    assert all(s["status"] == 200 and s["error"] is None for s in samples)
    assert samples[0]["cookies_set"] == ["JSESSIONID"]
    assert all(s["cookies_set"] == [] for s in samples[1:])
    assert len({s["session_id"] for s in samples}) == 1
    assert samples[0]["session_route"] == "tomcat1"
    assert samples[0]["server"] == "backend1.test"
    assert samples[0]["addr"] == f"127.0.0.1:{page_server.port}"
    assert samples[0]["started"] <= samples[-1]["started"]
    assert result["cookies"] == {"JSESSIONID": samples[0]["session_id"]}
    summary = result["summary"]
    assert summary["counter_continued"] is True
    assert (summary["distinct_sessions"], summary["session_changes"], summary["failed"]) == (1, 0, 0)


def test_continue_with_cookies_and_route_rewrite(page_server):
    first = run_probe(page_server.base_url + "/index.jsp", count=3)
    # "Failover" with replication: another node answers, the session survives, the suffix is rewritten.
    page_server.name, page_server.route = "backend2.test", "tomcat2"
    second = run_probe(page_server.base_url + "/index.jsp", count=3, cookies=first["cookies"])
    assert [s["count"] for s in second["samples"]] == [4, 5, 6]
    assert second["samples"][0]["cookies_set"] == ["JSESSIONID"]
    assert second["samples"][0]["session_route"] == "tomcat2"
    assert second["summary"]["first_session"] == first["summary"]["last_session"]
    assert second["summary"]["counter_continued"] is True
    assert second["cookies"]["JSESSIONID"] == first["summary"]["last_session"] + ".tomcat2"


def test_rotation_mid_run_keeps_base(page_server):
    calls = []

    def sleep(seconds):
        calls.append(seconds)
        if len(calls) == 2:
            page_server.route = "tomcat2"

    result = run_probe(page_server.base_url + "/session.jsp", count=4, interval=0.25, sleep=sleep)
    assert calls == [0.25, 0.25, 0.25]
    assert [s["session_route"] for s in result["samples"]] == ["tomcat1", "tomcat1", "tomcat2", "tomcat2"]
    assert result["summary"]["routes"] == ["tomcat1", "tomcat2"]
    assert result["summary"]["session_changes"] == 0
    assert result["summary"]["counter_continued"] is True


def test_lost_session_is_counted(page_server):
    def sleep(_seconds):
        page_server.forget_sessions()

    result = run_probe(page_server.base_url + "/index.jsp", count=3, interval=1, sleep=sleep)
    assert [s["count"] for s in result["samples"]] == [1, 1, 1]
    summary = result["summary"]
    assert (summary["session_changes"], summary["counter_resets"], summary["distinct_sessions"]) == (2, 2, 3)
    assert summary["counter_continued"] is False


def test_503_is_a_failed_sample_not_an_exception(page_server):
    page_server.fail_next = 2
    result = run_probe(page_server.base_url + "/index.jsp", count=4)
    assert [s["status"] for s in result["samples"]] == [503, 503, 200, 200]
    assert [s["error"] for s in result["samples"]][:2] == ["HTTP 503", "HTTP 503"]
    assert result["summary"]["failed"] == 2
    assert result["summary"]["counter_continued"] is True


def test_connection_refused():
    port = free_port()
    result = run_probe(f"http://127.0.0.1:{port}/index.jsp", count=2, timeout=2)
    assert result["summary"]["failed"] == 2
    assert all(s["status"] is None and "request failed" in s["error"] for s in result["samples"])
    assert result["cookies"] == {}


def test_unparseable_page_and_404(page_server):
    garbage = run_probe(page_server.base_url + "/garbage", count=1)["samples"][0]
    assert garbage["status"] == 200
    assert garbage["error"].startswith("unparseable page: ")
    missing = run_probe(page_server.base_url + "/nope", count=1)["samples"][0]
    assert (missing["status"], missing["error"]) == (404, "HTTP 404")


def test_redirect_cookies_are_kept(page_server):
    result = run_probe(page_server.base_url + "/redirect", count=2)
    first = result["samples"][0]
    assert first["status"] == 200
    assert first["cookies_set"] == ["seen", "JSESSIONID"]
    assert set(result["cookies"]) == {"seen", "JSESSIONID"}
    assert [s["count"] for s in result["samples"]] == [1, 2]


def test_custom_headers_reach_the_server(page_server):
    seen = []
    original = page_server.handle

    def handle(path, cookie_header):
        seen.append(cookie_header)
        return original(path, cookie_header)

    page_server.handle = handle
    run_probe(page_server.base_url + "/index.jsp", count=2, cookies={"a": "1"}, headers={"X-Test": "yes"})
    assert seen[0] == "a=1"
    assert seen[1].startswith("a=1; JSESSIONID=")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"url": "ftp://127.0.0.1/"}, "url must be an absolute http:// or https:// URL"),
        ({"url": "127.0.0.1/index.jsp"}, "url must be"),
        ({"url": "http://[::1/x"}, "url is malformed (Invalid IPv6 URL): check the brackets and the port"),
        ({"url": "http://127.0.0.1:99999/"}, "url is malformed"),
        ({"url": "http://:80/"}, "url must be an absolute"),
        ({"count": 0}, "count must be between 1 and 10000, got 0."),
        ({"count": 10001}, "count must be between 1 and 10000, got 10001."),
        ({"interval": -1}, "interval must be a number of seconds from 0 to 3600, got -1."),
        ({"interval": float("nan")}, "interval must be a number of seconds from 0 to 3600, got nan."),
        ({"interval": float("inf")}, "got inf."),
        ({"timeout": 0}, "timeout must be greater than 0"),
        ({"timeout": float("nan")}, "at most 600 seconds, got nan."),
        ({"page_format": "xml"}, "page_format must be auto, html or json"),
    ],
)
def test_bad_parameters(kwargs, fragment):
    args = {"url": "http://127.0.0.1:1/"}
    args.update(kwargs)
    with pytest.raises(ProbeParameterError, match=re.escape(fragment)):
        run_probe(**args)


def test_set_cookie_parsing():
    assert parse_set_cookie("JSESSIONID=ABC.t1; Path=/; HttpOnly") == ("JSESSIONID", "ABC.t1", False)
    assert parse_set_cookie('ROUTEID=".tomcat1"; path=/') == ("ROUTEID", ".tomcat1", False)
    assert parse_set_cookie("a=1; Max-Age=0")[2] is True
    assert parse_set_cookie("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT")[2] is True
    assert parse_set_cookie("a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT")[2] is False
    assert parse_set_cookie("a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT")[2] is False
    assert parse_set_cookie("garbage") is None
    jar = {"a": "1", "b": "2"}
    assert apply_set_cookies(jar, ["a=; Max-Age=0", "c=3"]) == ["a", "c"]
    assert jar == {"b": "2", "c": "3"}


def test_https_with_the_sites_own_ca(tls_page_server):
    server, ca_path = tls_page_server
    url = server.base_url + "/session.jsp"
    trusted = run_probe(url, count=3, ca_path=ca_path)["summary"]
    assert trusted["succeeded"] == 3 and trusted["distinct_sessions"] == 1 and trusted["counter_continued"], trusted
    refused = run_probe(url, count=1)
    assert refused["summary"]["succeeded"] == 0
    assert "certificate verify failed" in refused["samples"][0]["error"], refused["samples"][0]


def test_a_missing_ca_file_is_one_sentence(tmp_path):
    with pytest.raises(ProbeParameterError, match=r"^ca_path must be a file of PEM CA certificates, got .*no such"):
        run_probe("https://127.0.0.1/", ca_path=str(tmp_path / "nothing.pem"))
