"""The shop deployed by site.yml (tomcat_ha_apps) on a cluster behind HAProxy: replicated, rolled back, upgraded.

The tests run in this order and each leaves the shop serving: the failed deploy is rolled back, and the upgrade
leaves version 2 beside version 1. The bad input comes last, against the upgraded site.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import re
import threading
import time

import pytest

from lab.hosts import ROOT
from tests.lab_checks import (
    BACKENDS,
    CLIENT,
    ROUTES,
    TOMCAT,
    Load,
    balancer_host,
    balancer_url,
    host,
    poll,
    run_playbook,
)

WARS = ROOT / "build" / "apps"
CONFIG_BASE = f"/etc/{TOMCAT}/Catalina/{{name}}"
RELEASES = "/var/lib/tomcat_ha/apps/shop"
CART = r"sessionlab\.shop\.Cart"
# A shopper logs in once, then adds an item and looks at the cart, again and again: the cart must only grow.
SHOP_FLOW = [
    {"name": "login", "method": "POST", "path": "/shop/login", "form": {"user": "u{user}"}, "once": True},
    {
        "name": "add",
        "method": "POST",
        "path": "/shop/cart/add",
        "form": {"item": "tea"},
        "state": {"key": "items", "json": "/items", "expect": "grow", "by": 1},
    },
    {"name": "cart", "path": "/shop/cart", "state": {"key": "items", "json": "/items", "expect": "persist"}},
]


def shop(war: str = "shop", **more) -> dict:
    """The scenario's application with another WAR of build/apps (and other keys)."""
    return {
        "context": "/shop",
        "war": str(WARS / f"{war}.war"),
        "health_path": "/health",
        "session_classes": [CART],
        **more,
    }


def sha256(war: str) -> str:
    return hashlib.sha256((WARS / f"{war}.war").read_bytes()).hexdigest()


def descriptors(backend, name: str) -> dict[str, str]:
    """File name -> content and modification time of every context descriptor of the backend's Host."""
    base = CONFIG_BASE.format(name=name)
    out = backend.check_output(f'cd {base} && for f in *.xml; do echo "== $f $(stat -c %Y $f)"; cat $f; done')
    found = {}
    for block in out.split("== ")[1:]:
        head, _sep, content = block.partition("\n")
        found[head.split()[0]] = f"{head.split()[1]}\n{content}"
    return found


def curl(jar: str, path: str, data: str | None = None) -> dict:
    """One request through the balancer from the client, with a cookie jar; the JSON answer."""
    post = f"-X POST -d {data} " if data else ""
    out = host(CLIENT).check_output(f"curl -fsS -c {jar} -b {jar} {post}{balancer_url(path.lstrip('/'))}")
    return json.loads(out)


def mark(backend) -> str:
    return backend.check_output(f"journalctl -q -n 0 --show-cursor -u {TOMCAT} | sed -n 's/^-- cursor: //p'")


def journal_since(backend, cursor: str) -> str:
    return backend.check_output(f"journalctl -q -o cat -u {TOMCAT} --after-cursor='{cursor}'")


def recap_changed(output: str) -> dict[str, int]:
    return {h: int(c) for h, c in re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", output, re.M)}


def test_the_shop_is_deployed_from_a_descriptor_into_a_release_tomcat_cannot_write(backends):
    release = f"{RELEASES}/{sha256('shop')}"
    for name, backend in backends.items():
        found = descriptors(backend, name)
        assert list(found) == ["shop.xml"], found
        assert f'<Context docBase="{release}"/>' in found["shop.xml"], found
        directory = backend.file(release)
        assert directory.is_directory and directory.user == "root" and directory.mode == 0o755, name
        assert backend.file(f"{release}/WEB-INF/web.xml").user == "root"
        assert backend.run(f"runuser -u tomcat -- touch {release}/WEB-INF/x").rc != 0, name
        # Nothing of the shop in the appBase, and Tomcat never had to write there.
        assert backend.check_output("ls /data/webapps") == "ROOT", name
        assert "Unable to create the directory" not in backend.check_output(f"journalctl -q -o cat -u {TOMCAT}")
        filter_ = re.search(
            r'sessionAttributeValueClassNameFilter="([^"]*)"', backend.file(f"/etc/{TOMCAT}/server.xml").content_string
        )
        assert filter_ and filter_.group(1) == r"(?:^java\.lang\.(?:Integer|String)$)|(?:sessionlab\.shop\.Cart)", name


def test_the_cart_is_replicated_to_the_other_backend():
    jar = "/tmp/testinfra-shop-replicated"
    host(CLIENT).run(f"rm -f {jar}")
    curl(jar, "/shop/login", "user=carol")
    for item in ("tea", "jam"):
        curl(jar, "/shop/cart/add", f"item={item}")
    cookie = host(CLIENT).check_output(f"awk '$6 == \"JSESSIONID\" {{print $7}}' {jar}")
    route = cookie.split(".", 1)[1]
    other = next(name for name, r in ROUTES.items() if r != route)
    # From the balancer, which the backends' firewall lets in: the other node has the whole cart.
    out = balancer_host().check_output(f"curl -fsS -H 'Cookie: JSESSIONID={cookie}' http://{other}:8080/shop/cart")
    assert json.loads(out) == {"user": "carol", "items": 2, "skus": ["tea", "jam"]}


def test_a_cart_survives_a_backend_killed_under_load(backends):
    name, backend = next(iter(backends.items()))
    with Load(duration=120, page="shop/", flow=SHOP_FLOW) as load:
        backend.check_output(f"systemctl kill --signal=SIGKILL {TOMCAT}")
        time.sleep(2)
        backend.check_output(f"systemctl start {TOMCAT}")
        serving = poll(
            lambda: backend.run(f"curl -fsS -o /dev/null http://{name}:8080/shop/health").rc == 0,
            lambda ok: ok,
            within=90,
            pause=1,
        )
        assert serving, f"{name} did not serve the shop again within 90 s"
    summary = load.summary
    assert summary["sessions_lost"] == 0 and summary["updates_lost"] == 0, summary
    # HAProxy sends a request again to the other backend only when it may (GET); an add that the killed backend had
    # already received fails, at most one per user. Any other failure (a 401: the session was not there) is a loss.
    failed = [r for r in load.result["history"] if r["outcome"] != "ok"]
    assert all(r["error"] == "HTTP 502, expected 200" and r["step"] == "add" for r in failed), failed
    assert len(failed) <= len({r["user"] for r in failed}), failed
    # Both backends served the users, the killed one again once it was back.
    assert {r["server"] for r in load.result["history"] if r["outcome"] == "ok"} == set(BACKENDS), summary


def test_a_deploy_whose_health_check_fails_is_rolled_back_on_its_backend_alone(backends):
    (first, one), (second, other) = list(backends.items())
    before = {name: descriptors(b, name) for name, b in backends.items()}
    cursors = {name: mark(b) for name, b in backends.items()}
    proc = run_playbook({"tomcat_ha_apps": [shop("shop-broken")]})
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    # Tomcat answers 500 for the missing class, then 404 for the servlet it marked unavailable.
    expected = (
        rf"tomcat_apps: {re.escape(first)} did not serve shop \(/shop\) after its deploy: GET /shop/health answered "
        r"(404|500), not 200, for 10 s\. What served it before is back \(shop\.xml\) and /shop/health answers 200 "
        r"again; no other backend was changed\. The new release stays in "
        rf"{re.escape(RELEASES)}/{sha256('shop-broken')}: fix the application and run again\."
    )
    assert re.search(expected, " ".join(out.split())), out[-3000:]
    # The first backend tried it and has the old release back; its content is the old one's, only newer.
    assert [c.split("\n", 1)[1] for c in descriptors(one, first).values()] == [
        c.split("\n", 1)[1] for c in before[first].values()
    ]
    assert "Deployment of deployment descriptor" in journal_since(one, cursors[first])
    assert json.loads(one.check_output(f"curl -fsS http://{first}:8080/shop/version")) == {"version": "1"}
    # The second backend's Tomcat never saw a change: same descriptor, same time, nothing deployed.
    assert descriptors(other, second) == before[second]
    assert "deploy" not in journal_since(other, cursors[second]).lower()


def test_a_new_version_runs_beside_the_old_one_which_keeps_its_sessions(backends):
    jar = "/tmp/testinfra-shop-v1"
    host(CLIENT).run(f"rm -f {jar}")
    curl(jar, "/shop/login", "user=dave")
    curl(jar, "/shop/cart/add", "item=tea")
    assert curl(jar, "/shop/version") == {"version": "1"}
    proc = run_playbook({"tomcat_ha_apps": [shop("shop-v2", version="2")]})
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    for name, backend in backends.items():
        assert sorted(descriptors(backend, name)) == ["shop##2.xml", "shop.xml"], name
        assert backend.file(f"{RELEASES}/previous/shop.xml").exists, name
    # The session that existed stays on version 1, with its cart; a new one starts on version 2.
    assert curl(jar, "/shop/version") == {"version": "1"}
    assert curl(jar, "/shop/cart") == {"user": "dave", "items": 1, "skus": ["tea"]}
    fresh = "/tmp/testinfra-shop-v2"
    host(CLIENT).run(f"rm -f {fresh}")
    assert curl(fresh, "/shop/version") == {"version": "2"}


@pytest.fixture(scope="module")
def war_server():
    """The built WARs over HTTP on the controller's loopback, where the app_plan action fetches URLs from."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(WARS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


BAD = {
    # id: (the applications, what the one sentence says)
    "missing-war": ([shop(war="nope")], f"tomcat_apps: shop: {WARS}/nope.war does not exist: give the path of a WAR"),
    "context-dotdot": ([{**shop(), "context": "/shop/../admin"}], "context '/shop/../admin' must be / or a path"),
    "not-distributable": ([shop("shop-nondistributable")], "shop-nondistributable.war is not distributable"),
    "checksum-mismatch": (
        [{**shop(), "war": "", "url": "{url}/shop.war", "checksum": "sha256:" + "0" * 64}],
        "tomcat_apps: shop: {url}/shop.war does not match its checksum (sha256:0000000000000000..., the download's is",
    ),
    "version-sorts-before": (
        [shop("shop-v2", version="10")],
        "tomcat_apps: shop version 10 would sort before version 2, deployed on",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_stops_site_yml_before_any_change(backends, war_server, case):
    apps, message = BAD[case]
    apps = json.loads(json.dumps(apps).replace("{url}", war_server))
    before = {name: descriptors(b, name) for name, b in backends.items()}
    proc = run_playbook({"tomcat_ha_apps": apps})
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    assert message.replace("{url}", war_server) in " ".join(out.split()), out[-3000:]
    assert "Traceback" not in out, out[-3000:]
    changed = recap_changed(out)
    assert changed and not any(changed.values()), changed
    assert {name: descriptors(b, name) for name, b in backends.items()} == before
