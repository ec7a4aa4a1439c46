"""Checks every full-lab Molecule scenario runs, whatever its balancer and strategy.

The shared Molecule config adds this file to each scenario's testinfra run (the lab scenario opts out);
the fixtures (backends, lb) live in molecule/conftest.py.
"""

from __future__ import annotations

import json
import re

from tests.lab_checks import BACKENDS, BALANCER, CLIENT, CURL, ROUTES, TLS, TOMCAT, balancer_url, connect, host


def test_tomcat_running_enabled_listening(backends):
    for name, h in backends.items():
        svc = h.service(TOMCAT)
        assert svc.is_running, name
        assert svc.is_enabled, name
        assert h.socket("tcp://0.0.0.0:8080").is_listening or h.socket("tcp://:::8080").is_listening, name


def test_server_xml_has_the_computed_route_and_host(backends):
    # With the session store every backend's Host has one name, under which Tomcat files the sessions.
    from tests.lab_checks import strategy

    store = strategy()["store"]
    for name, h in backends.items():
        xml = h.file(f"/etc/{TOMCAT}/server.xml").content_string
        host_name = "localhost" if store else name
        assert f'jvmRoute="{ROUTES[name]}"' in xml, name
        assert f'defaultHost="{host_name}"' in xml and f'<Host name="{host_name}" appBase="/data/webapps"' in xml, name


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
        assert h.file(f"/var/lib/{TOMCAT}/webapps/ROOT").exists
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


def test_session_cookie_suffix_names_a_backend_and_renames_only_behind_sticky_balancers():
    """A session ID ends in the jvmRoute of the backend that created it. Behind a sticky balancer the session
    stays there (or JvmRouteBinderValve renames it to the node that took it over), so the suffix is the serving
    backend's. Behind round robin in front of a cluster site.yml leaves the valve off: the ID never changes,
    although its requests reach both backends."""
    from tests.lab_checks import fetch_through_balancer, fetch_when_settled, strategy

    chosen = strategy()
    spread = chosen["round_robin"] and chosen["cluster"]
    if spread:
        # Right after the scenario's fault nginx may still leave the restored backend out (fail_timeout).
        pages = fetch_when_settled(6, lambda ps: len({p["server"] for p in ps}) == len(BACKENDS))
    else:
        pages = fetch_through_balancer(6)
    for page in pages:
        assert re.fullmatch(r"[0-9A-F]+\.[A-Za-z]+[0-9]+", page["session_id"]), page
        assert page["session_id"].split(".", 1)[1] in ROUTES.values(), page
        assert ROUTES[page["server"]] == page["jvm_route"], page
        if not chosen["round_robin"]:
            assert page["session_id"].split(".", 1)[1] == page["jvm_route"], page
    if spread:
        assert len({p["session_id"] for p in pages}) == 1, pages
        assert len({p["server"] for p in pages}) == len(BACKENDS), pages


# --- security: checked from the client container, the way anyone else on the lab network would see the hosts


def test_only_the_balancer_reaches_http_and_only_members_the_cluster_port(backends, lb):
    client = host(CLIENT)
    for name, h in backends.items():
        address = h.interface("eth0").addresses[0]
        assert connect(client, address, 8080) in ("refused", "dropped"), name
        assert connect(lb, address, 8080) == "open", name
        for source in (client, lb):
            assert connect(source, address, 4000) in ("refused", "dropped"), name
        assert h.service("tomcat-ha-firewall").is_enabled, name
        assert "table inet tomcat_ha" in h.check_output("nft list tables"), name


def test_the_cluster_members_still_reach_each_others_receiver(backends):
    xml = next(iter(backends.values())).file(f"/etc/{TOMCAT}/server.xml").content_string
    if "<Cluster " not in xml:
        return
    addresses = {name: h.interface("eth0").addresses[0] for name, h in backends.items()}
    for name, h in backends.items():
        for other, address in addresses.items():
            if other != name:
                assert connect(h, address, 4000) == "open", (name, other)


VERSION = re.compile(r"(nginx|apache|tomcat|coyote)[/ ][0-9]|apache tomcat|debian|ubuntu", re.IGNORECASE)


def test_no_response_through_the_balancer_names_a_version():
    client = host(CLIENT)
    # The page, Tomcat's own 404 and 400-range refusals, and the balancer's own error page.
    for path in ("session.jsp", "no-such-page.jsp", "WEB-INF/web.xml", "%zz"):
        out = client.check_output(f"{CURL} -sS -i --path-as-is '{balancer_url(path)}'")
        head, _sep, body = out.partition("\r\n\r\n")
        server = re.search(r"^server:\s*(.*)$", head, re.IGNORECASE | re.MULTILINE)
        assert server is None or server.group(1).strip() in ("nginx", "Apache"), head
        assert not re.search(r"^(via|x-powered-by):", head, re.IGNORECASE | re.MULTILINE), head
        assert not VERSION.search(body), (path, body)


def test_every_cookie_is_httponly_and_samesite_and_urls_carry_no_session():
    client = host(CLIENT)
    head = client.check_output(f"{CURL} -sS -o /dev/null -D - {balancer_url('session.jsp')}")
    cookies = re.findall(r"^set-cookie:\s*(.*?)\s*$", head, re.IGNORECASE | re.MULTILINE)
    assert any(c.startswith("JSESSIONID=") for c in cookies), head
    for cookie in cookies:
        flags = [f.strip().lower() for f in cookie.split(";")[1:]]
        assert "httponly" in flags and "samesite=lax" in flags, cookie
        assert ("secure" in flags) == TLS, cookie
    page = client.check_output(f"{CURL} -fsS {balancer_url()}")
    assert "jsessionid" not in page.lower()


def test_the_page_shows_the_real_client_address():
    client = host(CLIENT)
    address = client.interface("eth0").addresses[0]
    page = json.loads(client.check_output(f"{CURL} -fsS {balancer_url('session.jsp')}"))
    assert page["client"] == address, page


def test_the_page_shows_the_scheme_the_client_used_and_no_client_can_fake_it():
    # The balancer sets X-Forwarded-Proto itself: a client's own header changes nothing.
    client = host(CLIENT)
    for forged in ("http", "https"):
        page = json.loads(
            client.check_output(f"{CURL} -fsS -H 'X-Forwarded-Proto: {forged}' {balancer_url('session.jsp')}")
        )
        assert page["scheme"] == ("https" if TLS else "http"), (forged, page)


def test_tls_when_on_redirects_plain_http_and_is_verified_against_the_lab_ca():
    client = host(CLIENT)
    head = client.check_output(f"curl -sS -o /dev/null -D - http://{BALANCER}/session.jsp?a=1")
    if not TLS:
        assert re.match(r"HTTP/1\.1 200", head), head
        return
    assert re.match(r"HTTP/1\.1 301", head), head
    assert re.search(rf"^location: https://{re.escape(BALANCER)}/session\.jsp\?a=1\s*$", head, re.I | re.M), head
    secure = client.check_output(f"{CURL} -fsS -o /dev/null -D - {balancer_url('session.jsp')}")
    assert re.search(r"^strict-transport-security: max-age=300\s*$", secure, re.I | re.M), secure
    # Without the lab's CA the certificate is not trusted.
    assert client.run(f"curl -fsS -o /dev/null {balancer_url('session.jsp')}").rc == 60


def test_tomcat_starts_only_after_its_firewall_table(backends):
    """Tomcat's unit has the role's drop-in: after the table's unit, and no start while the table is missing."""
    for name, h in backends.items():
        after = h.check_output(f"systemctl show -p After --value {TOMCAT}.service")
        assert "tomcat-ha-firewall.service" in after.split(), (name, after)
        pre = h.check_output(f"systemctl show -p ExecStartPre --value {TOMCAT}.service")
        assert "nft list table inet tomcat_ha" in pre, (name, pre)


def test_no_dated_copy_of_server_xml_keeps_a_key(backends):
    """The rollout's dated copies lose the cluster key once it is over: only the live (and staged) file keeps it."""
    for name, h in backends.items():
        copies = h.run(f"grep -l 'encryptionKey=\"[0-9A-Fa-f]' /etc/{TOMCAT}/server.xml.*~")
        assert copies.stdout.strip() == "", (name, copies.stdout)
