"""HAProxy with an inserted sticky cookie and active health checks, in front of a DeltaManager cluster."""

from __future__ import annotations

import csv
import io
import json

from lab.hosts import lab_hosts
from tests.lab_checks import BACKENDS, CLIENT, CURL, ROUTES, TOMCAT, balancer_url, fetch_when_settled, host, poll

STATS = "http://127.0.0.1:8404/stats;csv"


def server_status(lb) -> dict[str, str]:
    """Route -> HAProxy's status of that server (UP, DOWN, ...), from the statistics page on the balancer."""
    rows = csv.DictReader(io.StringIO(lb.check_output(f"curl -fsS '{STATS}'").lstrip("# ")))
    servers = [r for r in rows if r["pxname"] == "tomcats" and r["svname"] in ROUTES.values()]
    return {r["svname"]: r["status"].split()[0] for r in servers}


def wait_for_status(lb, route: str, status: str, within: float = 30.0) -> dict[str, str]:
    """server_status until route has status or `within` seconds have passed; the last statuses."""
    return poll(lambda: server_status(lb), lambda seen: seen.get(route) == status, within, pause=0.2)


def new_session_page() -> dict | None:
    """A new session's page through the balancer, or None when it did not come."""
    result = host(CLIENT).run(f"{CURL} -fsS --max-time 5 {balancer_url('session.jsp')}")
    return json.loads(result.stdout) if result.rc == 0 else None


def test_haproxy_serves_alone_with_a_tested_configuration(lb):
    assert lb.service("haproxy").is_running and lb.service("haproxy").is_enabled
    assert not lb.service("nginx").is_running
    assert not lb.service("apache2").is_running
    assert lb.run("haproxy -c -q -f /etc/haproxy/haproxy.cfg").rc == 0


def test_every_backend_is_a_checked_server_named_by_its_route(lb):
    conf = lb.file("/etc/haproxy/haproxy.cfg").content_string
    assert 'cookie SERVERID insert indirect nocache httponly attr "SameSite=Lax"' in conf
    assert "http-check send meth GET uri /health.jsp ver HTTP/1.1" in conf
    for name, route in ROUTES.items():
        assert f"server {route} {name}:8080 weight 1 cookie {route}" in conf
    assert server_status(lb) == {route: "UP" for route in ROUTES.values()}


def test_the_health_page_creates_no_session(lb):
    for name in BACKENDS:
        head = lb.check_output(f"curl -fsS -o /dev/null -D - http://{name}:8080/health.jsp")
        assert "set-cookie" not in head.lower(), head


def test_the_statistics_page_answers_on_the_balancer_only(lb):
    assert "pxname" in lb.check_output(f"curl -fsS '{STATS}'")
    client = host(CLIENT)
    balancer = next(iter(lab_hosts("balancers")))
    assert client.run(f"curl -fsS --max-time 3 http://{balancer}:8404/stats").rc != 0


def test_the_inserted_cookie_keeps_one_backend_and_session():
    pages = fetch_when_settled(8, lambda pages: len({p["server"] for p in pages}) == 1)
    assert len({p["server"] for p in pages}) == 1, pages
    assert len({p["session_id"] for p in pages}) == 1, pages


def test_a_hung_backend_is_taken_out_by_the_health_checks_and_brought_back(lb, backends):
    name, backend = next(iter(backends.items()))
    route = ROUTES[name]
    assert wait_for_status(lb, route, "UP").get(route) == "UP"
    backend.check_output(f"systemctl kill --signal=SIGSTOP {TOMCAT}")
    try:
        seen = wait_for_status(lb, route, "DOWN")
        assert seen.get(route) == "DOWN", seen
        # New sessions go to the other backend meanwhile, once its cluster has given up on the hung peer too.
        page = poll(new_session_page, lambda page: page is not None, within=20, pause=0.5)
        assert page is not None and page["jvm_route"] != route, page
    finally:
        backend.check_output(f"systemctl kill --signal=SIGCONT {TOMCAT}")
    seen = wait_for_status(lb, route, "UP")
    assert seen.get(route) == "UP", seen
