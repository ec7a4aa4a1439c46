"""The shop deployed by site.yml (tomcat_ha_apps) on a cluster behind HAProxy: replicated, verified through a kill,
audited, pre-checked, rolled back, upgraded.

The tests run in this order and each leaves the shop serving: verify.yml runs the shop's flow through a kill, the bad
shop (shop-badfield) replaces it for a run and the pre-check, which puts the shop back on the cluster, the failed
deploy is rolled back, and the upgrade leaves version 2 beside version 1. The bad input comes last, against the
upgraded site.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import re
import threading
import time
from argparse import Namespace
from pathlib import Path

import pytest

from lab.hosts import ROOT
from lab.runner import application
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
FLOW = ROOT / "lab" / "apps" / "shop" / "flow.yml"
CART_CLASSES = [CART, r"sessionlab\.shop\.CatalogCart"]


def flow_vars(directory: Path, war: str = "shop") -> Path:
    """The shop's flow (lab/apps/shop/flow.yml: log in once, then add to the cart and view it, again and again; the
    cart must only grow) with its paths under /shop, in a variables file as make lab-app writes it."""
    options = Namespace(
        app=str(WARS / f"{war}.war"), flow=str(FLOW), context="/shop", health="/health", session_classes=CART_CLASSES
    )
    return application(options, directory, war)["vars_file"]


def flow(directory: Path) -> list[dict]:
    return json.loads(flow_vars(directory).read_text())["tomcat_ha_flow"]


def shop(war: str = "shop", **more) -> dict:
    """The scenario's application with another WAR of build/apps (and other keys)."""
    return {
        "context": "/shop",
        "war": str(WARS / f"{war}.war"),
        "health_path": "/health",
        "session_classes": CART_CLASSES,
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
        assert filter_ and filter_.group(1) == (
            r"(?:^java\.lang\.(?:Integer|String)$)|(?:sessionlab\.shop\.Cart)|(?:sessionlab\.shop\.CatalogCart)"
        ), name


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


def test_a_cart_survives_a_backend_killed_under_load(backends, tmp_path):
    name, backend = next(iter(backends.items()))
    with Load(duration=120, page="shop/", flow=flow(tmp_path)) as load:
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
    assert all(r["error"] == "HTTP 502, expected 200" and r["step"] == "add to cart" for r in failed), failed
    assert len(failed) <= len({r["user"] for r in failed}), failed
    # Both backends served the users, the killed one again once it was back.
    assert {r["server"] for r in load.result["history"] if r["outcome"] == "ok"} == set(BACKENDS), summary


def run_flow(tmp_path: Path, playbook: str, name: str, war: str = "shop", **extra) -> tuple[dict, str]:
    """verify.yml or precheck.yml with the shop's flow (-e @vars, as make lab-app runs them): its result JSON and
    its output."""
    extra = {"tomcat_ha_report_dir": str(tmp_path), "tomcat_ha_experiment": name, **extra}
    proc = run_playbook(extra, playbook=playbook, options=("-e", f"@{flow_vars(tmp_path, war)}"))
    out = proc.stdout + proc.stderr
    result = tmp_path / "results" / f"{name}.json"
    assert result.exists(), out[-3000:]
    return json.loads(result.read_text()), out


def audit_check(verdict: dict) -> dict:
    return next(c for c in verdict["checks"] if c["figure"] == "unreplicated_attributes")


def test_verify_yml_runs_the_shops_flow_through_a_kill_and_finds_nothing_lost(tmp_path):
    result, out = run_flow(tmp_path, "playbooks/verify.yml", "shop-kill", tomcat_ha_fault="kill")
    verdict, summary = result["verdict"], result["load"]["summary"]
    assert verdict["matched"], out[-3000:]
    assert (result["strategy"], result["fault"]) == ("cluster", "kill"), result["strategy"]
    # Every user went through the flow (login, then add and view) on both backends, the killed one again after it.
    assert set(summary["steps"]) == {"login", "add to cart", "view cart"}, summary["steps"]
    assert summary["sessions_lost"] == 0 and summary["updates_lost"] == 0, summary
    # A POST the killed backend had already received is answered 502 and not sent again (the balancer may not): it
    # counts apart, at most one per user. Any other failure is the strategy's.
    assert summary["failed"] == summary["failed_not_resent"], summary
    failed = [r for r in result["load"]["history"] if r["outcome"] != "ok"]
    assert len(failed) <= len({r["user"] for r in failed}), failed
    assert {r["server"] for r in result["load"]["history"] if r["outcome"] == "ok"} == set(BACKENDS)
    assert audit_check(verdict)["observed"] == 0, verdict


def test_the_audit_names_the_class_shop_badfield_cannot_replicate_after_a_run(tmp_path):
    # The bad shop (a Serializable cart holding a Catalog, which is not) replaces the shop; the next test puts the
    # shop back.
    proc = run_playbook({"tomcat_ha_apps": [shop("shop-badfield")]})
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    result, out = run_flow(tmp_path, "playbooks/verify.yml", "badfield-kill", "shop-badfield", tomcat_ha_fault="kill")
    verdict = result["verdict"]
    assert not verdict["matched"] and "unreplicated_attributes" in verdict["failures"], verdict
    # A DeltaManager's "Unable to serialize delta request" names the session and the field's class, not the attribute.
    detail = audit_check(verdict)["detail"]
    assert re.search(r"session attribute \S+ \(sessionlab\.shop\.Catalog\): could not be serialized on", detail), detail
    assert "sessionlab.shop.Catalog" in " ".join(out.split()), out[-3000:]


def test_the_pre_check_names_what_shop_badfield_keeps_and_passes_the_shop(tmp_path):
    # The pre-check needs a Tomcat without a cluster: sticky sessions without one, then the cluster and the shop again.
    try:
        for war, clean in (("shop-badfield", False), ("shop", True)):
            proc = run_playbook({"tomcat_ha_strategy": "sticky", "tomcat_ha_apps": [shop(war)]})
            assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
            result, out = run_flow(
                tmp_path, "playbooks/precheck.yml", f"precheck-{war}", war, tomcat_ha_strategy="sticky"
            )
            verdict = result["precheck"]
            assert verdict["matched"] is clean, verdict["text"]
            if clean:
                assert audit_check(verdict)["observed"] == 0, verdict
                assert "found nothing a cluster could not replicate" in " ".join(out.split()), out[-3000:]
            else:
                # StandardManager names the attribute ("Cannot serialize session attribute [cart]") and the class.
                expected = "session attribute cart (sessionlab.shop.Catalog): could not be read back and could not be "
                expected += "serialized"
                assert expected in verdict["text"], verdict["text"]
                assert expected in " ".join(out.split()), out[-3000:]
    finally:
        proc = run_playbook({"tomcat_ha_apps": [shop()]})
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]


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
