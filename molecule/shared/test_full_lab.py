"""Checks every full-lab Molecule scenario runs, whatever its balancer and strategy.

The shared Molecule config adds this file to each scenario's testinfra run (the lab scenario opts out);
the fixtures (backends, lb) live in molecule/conftest.py.
"""

from __future__ import annotations

import json
import re

from tests.lab_checks import BACKENDS, BALANCER, CLIENT, ROUTES, host


def test_tomcat_running_enabled_listening(backends):
    for name, h in backends.items():
        svc = h.service("tomcat10")
        assert svc.is_running, name
        assert svc.is_enabled, name
        assert h.socket("tcp://0.0.0.0:8080").is_listening or h.socket("tcp://:::8080").is_listening, name


def test_server_xml_has_the_computed_route_and_host(backends):
    for name, h in backends.items():
        xml = h.file("/etc/tomcat10/server.xml").content_string
        assert f'jvmRoute="{ROUTES[name]}"' in xml, name
        assert f'defaultHost="{name}"' in xml and f'<Host name="{name}" appBase="/data/webapps"' in xml, name


def test_no_fault_is_left_behind(backends):
    # verify.yml restores the faulted backend in an always: path: no nftables table, no timer, no frozen JVM.
    for name, h in backends.items():
        assert h.run("nft list table inet tomcat_ha_fault").rc != 0, name
        assert not h.service("tomcat-ha-fault-heal.timer").is_running, name
        assert "T" not in h.check_output("ps -o stat= -C java"), name


def test_test_page_is_distributable(backends):
    for h in backends.values():
        assert "<distributable/>" in h.file("/data/webapps/ROOT/WEB-INF/web.xml").content_string


def test_the_test_page_is_served_and_debians_webapps_left_alone(backends):
    # The Host serves /data/webapps, so Debian's webapps (an operator's own ROOT, say) are not in the way: they
    # stay where they are, and the root URL is the test page.
    for h in backends.values():
        assert h.file("/var/lib/tomcat10/webapps/ROOT").exists
        page = h.check_output("curl -fsS http://127.0.0.1:8080/")
        # The tutorial's fields, and nothing (no blank line from the JSP directives) before the doctype.
        assert page.startswith("<!DOCTYPE html>"), page[:80]
        for element in ("server-name", "server-addr", "session-id", "session-count", "jvm-route"):
            assert f'id="{element}"' in page, element


def test_the_test_page_shows_the_host_header_through_its_escaping(backends):
    # Both pages print every value through html() or json(); Tomcat 10.1 answers 400 to a Host header with any
    # character those would change, so what comes back is the name as sent, on both pages.
    for h in backends.values():
        page = h.check_output('curl -fsS -H "Host: a-b.example" http://127.0.0.1:8080/')
        assert '<span id="request-host">a-b.example</span>' in page, page
        data = json.loads(h.check_output('curl -fsS -H "Host: a-b.example" http://127.0.0.1:8080/session.jsp'))
        assert data["request_host"] == "a-b.example", data
        assert h.run('curl -fsS -H "Host: a&b\'c" http://127.0.0.1:8080/').rc != 0


def test_lab_names_resolve_everywhere():
    client = host(CLIENT)
    for name in [*BACKENDS, BALANCER]:
        assert client.run(f"getent hosts {name}").rc == 0, name


def test_session_cookie_suffix_is_the_serving_backends_route():
    from tests.lab_checks import fetch_through_balancer

    for page in fetch_through_balancer(6):
        assert re.fullmatch(r"[0-9A-F]+\.[A-Za-z]+[0-9]+", page["session_id"]), page
        assert page["session_id"].split(".", 1)[1] == ROUTES[page["server"]] == page["jvm_route"], page
