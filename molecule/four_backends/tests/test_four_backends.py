"""Four backends behind httpd sticky, in a BackupManager cluster with static membership."""

from __future__ import annotations

import json

from tests.lab_checks import (
    BACKENDS,
    CLIENT,
    CURL,
    ROUTES,
    TOMCAT,
    balancer_url,
    fetch_through_balancer,
    host,
    poll,
    serves,
)

JAR = "/tmp/testinfra-four-backends-jar"


def test_every_backend_is_a_member_and_a_route(backends, lb):
    assert len(backends) == 4
    addresses = [h.interface("eth0").addresses[0] for h in backends.values()]
    conf = lb.file("/etc/apache2/sites-available/sessionlab-balancer.conf").content_string
    for name, h in backends.items():
        xml = h.file(f"/etc/{TOMCAT}/server.xml").content_string
        assert "org.apache.catalina.ha.session.BackupManager" in xml, name
        assert f'jvmRoute="{ROUTES[name]}"' in xml, name
        assert f"BalancerMember http://{name}:8080 loadfactor=1 route={ROUTES[name]} " in conf, name
        for address in addresses:
            assert f'host="{address}" port="4000"' in xml, (name, address)


def test_members_joined_without_multicast(backends):
    for name, h in backends.items():
        xml = h.file(f"/etc/{TOMCAT}/server.xml").content_string
        assert "StaticMembershipService" in xml and "McastService" not in xml, name
        log = h.check_output(f"journalctl -q -o cat -u {TOMCAT} | grep -c 'Replication member added' || true")
        assert int(log) >= 1, name


def test_the_route_prefix_reaches_tomcat_httpd_and_the_session_ids(lb):
    # tomcat_ha_route_prefix is node in this scenario's molecule.yml: one setting, every file it reaches.
    assert list(ROUTES.values()) == [f"node{i}" for i in range(1, 5)]
    conf = lb.file("/etc/apache2/sites-available/sessionlab-balancer.conf").content_string
    assert "tomcat1" not in conf
    for page_ in fetch_through_balancer(3):
        assert page_["session_id"].endswith(f".node{list(BACKENDS).index(page_['server']) + 1}"), page_


def page(client) -> dict:
    """The next page of the test's one session (its cookie jar kept on the client)."""
    return json.loads(client.check_output(f"{CURL} -fsS --max-time 15 -c {JAR} -b {JAR} {balancer_url('session.jsp')}"))


def test_a_session_survives_its_node_and_then_the_node_that_took_it_over(backends):
    """Stop the node that serves the session; another takes it over from the backup copy. Then stop that one:
    the session survives again, from the copy the second node made. Its counter never skips or repeats."""
    client = host(CLIENT)
    client.run(f"rm -f {JAR}")
    pages = [page(client) for _request in range(3)]
    base = pages[0]["session_id"].split(".")[0]
    stopped: list[str] = []
    try:
        for _loss in range(2):
            serving = pages[-1]["server"]
            backends[serving].check_output(f"systemctl stop {TOMCAT}")
            stopped.append(serving)
            more = [page(client) for _request in range(3)]
            assert {p["session_id"].split(".")[0] for p in more} == {base}, (stopped, more)
            assert not {p["server"] for p in more} & set(stopped), (stopped, more)
            pages += more
        assert [p["count"] for p in pages] == list(range(1, 10)), pages
    finally:
        for name in stopped:
            backends[name].run(f"systemctl start {TOMCAT}")
        for name in stopped:
            assert poll(lambda h=backends[name]: serves(h), bool, within=120, pause=2), name
