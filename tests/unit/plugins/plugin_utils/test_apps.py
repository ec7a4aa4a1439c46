# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The applications to deploy: one sentence for each kind of bad input, on the shop's real WARs and real HTTP."""

from __future__ import annotations

import functools
import hashlib
import http.server
import sys
import threading
from pathlib import Path

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._apps import (
    AppError,
    basename,
    context_name,
    fetch,
    inspect,
    plan,
    releases,
    session_classes,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "lab" / "apps"))

import build  # noqa: E402

SHA = "a" * 64


def one(**app):
    return plan([{"context": "/shop", "war": "/srv/shop.war", **app}])[0]


def test_an_application_is_completed_with_tomcats_names_and_the_defaults():
    app = one()
    assert app == {
        "name": "shop",
        "context": "/shop",
        "version": "",
        "state": "present",
        "war": "/srv/shop.war",
        "url": "",
        "checksum": "",
        "health_path": "/",
        "health_status": [200],
        "session_classes": [],
        "basename": "shop",
        "context_name": "/shop",
        "health_url_path": "/shop/",
    }
    # What plan() returns, it takes back unchanged.
    assert plan([app]) == [app]


@pytest.mark.parametrize(
    ("context", "version", "base", "name", "health"),
    [
        ("/", "", "ROOT", "", "/health"),
        ("/", "2", "ROOT##2", "##2", "/health"),
        ("/shop", "2026.12.07", "shop##2026.12.07", "/shop##2026.12.07", "/shop/health"),
        ("/shop/admin", "", "shop#admin", "/shop/admin", "/shop/admin/health"),
    ],
)
def test_tomcats_names_of_a_context_and_version(context, version, base, name, health):
    assert basename(context, version) == base and context_name(context, version) == name
    assert one(context=context, version=version, health_path="/health")["health_url_path"] == health


def test_a_numeric_version_and_one_status_are_taken_as_text_and_a_list():
    app = one(version=3, health_status=204)
    assert app["version"] == "3" and app["basename"] == "shop##3" and app["health_status"] == [204]


def test_a_relative_war_is_taken_from_the_current_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert one(war="files/shop.war")["war"] == str(tmp_path / "files" / "shop.war")


def test_a_url_is_kept_in_the_cache_under_its_checksum(tmp_path):
    app = plan(
        [{"context": "/r", "url": "https://x.example/r.war", "checksum": f"SHA256:{SHA.upper()}"}],
        cache_dir=str(tmp_path),
    )[0]
    assert app["war"] == str(tmp_path / f"sha256-{SHA}.war") and app["checksum"] == f"sha256:{SHA}"
    # Without a cache (the topology's plan), its war is left empty; both plans come back unchanged.
    assert plan([app], cache_dir=str(tmp_path)) == [app]
    assert plan([{"context": "/r", "url": "https://x.example/r.war", "checksum": f"sha256:{SHA}"}])[0]["war"] == ""


BAD = {
    # id: (application, what the sentence says)
    "not-a-mapping": ("shop.war", "application 1 must be a mapping with context and war"),
    "unknown-key": ({"context": "/shop", "war": "s.war", "health": "/h"}, "unknown key health; the keys are name,"),
    "no-context": ({"war": "s.war"}, "context is required, the path the application serves"),
    "context-without-slash": ({"context": "shop", "war": "s.war"}, "context 'shop' must be / or a path such as /shop"),
    "context-dotdot": ({"context": "/shop/../etc", "war": "s.war"}, "context '/shop/../etc' must be / or a path"),
    "context-space": ({"context": "/my shop", "war": "s.war"}, "(no spaces, no .. and no # or trailing /)"),
    "context-hash": ({"context": "/shop#admin", "war": "s.war"}, "context '/shop#admin' must be / or a path"),
    "context-trailing-slash": ({"context": "/shop/", "war": "s.war"}, "context '/shop/' must be / or a path"),
    "context-root-name": ({"context": "/ROOT", "war": "s.war"}, "would share Tomcat's name ROOT with the root context"),
    "version-hash": (
        {"context": "/shop", "war": "s.war", "version": "2#1"},
        "version '2#1' cannot be a Tomcat version",
    ),
    "version-space": ({"context": "/shop", "war": "s.war", "version": "v 2"}, "version 'v 2' cannot be a Tomcat"),
    "version-slash": ({"context": "/shop", "war": "s.war", "version": "1/2"}, "(no #, / or spaces)"),
    "version-list": ({"context": "/shop", "war": "s.war", "version": [2]}, "version must be a text, got [2]"),
    "no-war": ({"context": "/shop"}, "give war, the path of the WAR on the controller, or url with its checksum"),
    "war-and-url": (
        {"context": "/shop", "war": "s.war", "url": "http://x/s.war", "checksum": f"sha256:{SHA}"},
        "give war (a WAR on the controller) or url with its checksum, not both",
    ),
    "url-without-checksum": (
        {"context": "/shop", "url": "https://x.example/s.war"},
        "url https://x.example/s.war has no checksum: add checksum: sha256:",
    ),
    "url-not-http": ({"context": "/shop", "url": "ftp://x/s.war", "checksum": f"sha256:{SHA}"}, "must be an http://"),
    "checksum-short": (
        {"context": "/shop", "url": "http://x/s.war", "checksum": "sha256:abc"},
        "checksum 'sha256:abc' must be sha256: followed by 64 hex digits or sha512: followed by 128",
    ),
    "checksum-md5": ({"context": "/shop", "war": "s.war", "checksum": "md5:" + "a" * 32}, "checksum 'md5:"),
    "checksum-not-hex": ({"context": "/shop", "war": "s.war", "checksum": "sha256:" + "g" * 64}, "64 hex digits"),
    "health-relative": ({"context": "/shop", "war": "s.war", "health_path": "health"}, "health_path 'health' must be"),
    "health-dotdot": ({"context": "/shop", "war": "s.war", "health_path": "/../x"}, "no spaces and no .."),
    "health-status": ({"context": "/shop", "war": "s.war", "health_status": 700}, "health_status must be an HTTP"),
    "health-status-text": ({"context": "/shop", "war": "s.war", "health_status": "ok"}, "got 'ok'"),
    "classes-text": ({"context": "/shop", "war": "s.war", "session_classes": "a.B"}, "session_classes must be a list"),
    "classes-regex": (
        {"context": "/shop", "war": "s.war", "session_classes": ["com.example.(Cart"]},
        "session_classes 'com.example.(Cart' is not a regular expression",
    ),
    "state": ({"context": "/shop", "war": "s.war", "state": "deployed"}, "state must be present or absent"),
    "name": ({"context": "/shop", "war": "s.war", "name": "my shop"}, "name 'my shop' must start with a letter"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_sentence_naming_the_application(case):
    app, message = BAD[case]
    with pytest.raises(AppError) as caught:
        plan([app])
    text = str(caught.value)
    assert text.startswith("tomcat_apps: application 1") and message in text, text
    assert text.endswith((".", ")")) and "\n" not in text, text


def test_two_applications_on_one_context_are_refused_by_name():
    apps = [{"context": "/shop", "war": "a.war"}, {"name": "shop2", "context": "/shop", "war": "b.war", "version": "2"}]
    with pytest.raises(AppError, match=r"^tomcat_apps: shop and shop2 both take the context /shop: give each"):
        plan(apps)


def test_two_applications_with_one_name_are_refused():
    apps = [{"name": "a", "context": "/a", "war": "a.war"}, {"name": "a", "context": "/b", "war": "b.war"}]
    with pytest.raises(AppError, match=r"^tomcat_apps: two applications are named a: give each a name of its own\.$"):
        plan(apps)


def test_the_root_context_is_the_test_pages_unless_it_is_turned_off_or_the_application_is_removed():
    apps = [{"context": "/", "war": "a.war"}]
    with pytest.raises(AppError, match=r"takes the context / that the test page serves: set tomcat_ha_test_page"):
        plan(apps, test_page=True)
    assert plan(apps)[0]["basename"] == "ROOT"
    assert plan([{"context": "/", "state": "absent"}], test_page=True)[0]["state"] == "absent"


def test_not_a_list_and_nothing():
    with pytest.raises(AppError, match=r"must be a list of mappings"):
        plan({"context": "/shop"})
    assert plan(None) == [] and plan([]) == []


def test_session_classes_of_present_applications_once_each():
    apps = plan(
        [
            {"context": "/a", "war": "a.war", "session_classes": ["a\\.Cart", "x\\.Shared"]},
            {"context": "/b", "war": "b.war", "session_classes": ["x\\.Shared", "b\\..*"]},
            {"context": "/c", "state": "absent", "session_classes": ["c\\.Gone"]},
        ]
    )
    assert session_classes(apps) == ["a\\.Cart", "x\\.Shared", "b\\..*"]


# --- the WARs, on the controller


@pytest.fixture(scope="module")
def wars(tmp_path_factory):
    out = tmp_path_factory.mktemp("apps")
    return {variant: build.build(variant, out) for variant in ("shop", "shop-nondistributable")}


def sha(path, algorithm="sha256"):
    return hashlib.new(algorithm, Path(path).read_bytes()).hexdigest()


def test_inspect_reads_the_sha256_and_the_distributable_mark(wars):
    app = inspect(plan([{"context": "/shop", "war": str(wars["shop"])}]), cluster=True)[0]
    assert app["sha256"] == sha(wars["shop"]) and app["distributable"] is True
    # An application being removed has no WAR to read.
    assert "sha256" not in inspect(plan([{"context": "/x", "state": "absent"}]))[0]


def test_a_war_that_is_not_distributable_is_refused_only_with_a_cluster(wars):
    apps = plan([{"context": "/shop", "war": str(wars["shop-nondistributable"])}])
    assert inspect(apps)[0]["distributable"] is False
    with pytest.raises(AppError) as caught:
        inspect(apps, cluster=True)
    assert str(caught.value) == (
        f"tomcat_apps: shop: {wars['shop-nondistributable']} is not distributable (its WEB-INF/web.xml, or a web "
        "fragment it uses, has no <distributable/>), so the cluster would not replicate its sessions: add "
        "<distributable/> and rebuild it, or choose a strategy without a cluster."
    )


def test_a_missing_war_and_a_file_that_is_not_one(tmp_path):
    with pytest.raises(AppError, match=r"^tomcat_apps: shop: .*/nope.war does not exist: give the path of a WAR"):
        inspect(plan([{"context": "/shop", "war": str(tmp_path / "nope.war")}]))
    text = tmp_path / "notes.war"
    text.write_text("not a zip")
    with pytest.raises(AppError, match=r"^tomcat_apps: shop: .*/notes.war is not a zip archive .*so not a WAR"):
        inspect(plan([{"context": "/shop", "war": str(text)}]))


@pytest.mark.parametrize("algorithm", ["sha256", "sha512"])
def test_a_wars_checksum_is_checked_when_given(wars, algorithm):
    good = f"{algorithm}:{sha(wars['shop'], algorithm)}"
    assert inspect(plan([{"context": "/shop", "war": str(wars["shop"]), "checksum": good}]))[0]["sha256"]
    bad = f"{algorithm}:{'0' * len(good.split(':')[1])}"
    with pytest.raises(AppError, match=rf"does not match its checksum \({algorithm}:0000000000000000\.\.\., the file"):
        inspect(plan([{"context": "/shop", "war": str(wars["shop"]), "checksum": bad}]))


# --- URLs, over real HTTP on loopback


@pytest.fixture
def war_server(wars):
    """An HTTP server on 127.0.0.1 serving the built WARs; yields (base URL, list of requested paths)."""
    requested = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requested.append(self.path)

    handler = functools.partial(Handler, directory=str(wars["shop"].parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def url_app(url, checksum, cache):
    return plan([{"context": "/shop", "url": url, "checksum": checksum}], cache_dir=str(cache))[0]


def test_a_url_is_fetched_once_into_the_cache_and_then_read(war_server, wars, tmp_path):
    base, requested = war_server
    app = url_app(f"{base}/shop.war", f"sha256:{sha(wars['shop'])}", tmp_path / "cache")
    assert fetch(app) is True and fetch(app) is False
    assert requested == ["/shop.war"]
    assert Path(app["war"]).read_bytes() == wars["shop"].read_bytes()
    assert inspect([app], cluster=True)[0]["sha256"] == sha(wars["shop"])


def test_a_download_that_does_not_match_is_refused_and_not_kept(war_server, tmp_path):
    base, _requested = war_server
    app = url_app(f"{base}/shop.war", f"sha256:{SHA}", tmp_path / "cache")
    with pytest.raises(AppError) as caught:
        fetch(app)
    assert str(caught.value).startswith(f"tomcat_apps: shop: {base}/shop.war does not match its checksum (sha256:aaaa")
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_url_that_is_not_there_or_not_answering(war_server, tmp_path):
    base, _requested = war_server
    with pytest.raises(AppError, match=r"/nope.war answered HTTP 404 \(File not found\): check the URL\.$"):
        fetch(url_app(f"{base}/nope.war", f"sha256:{SHA}", tmp_path))
    with pytest.raises(AppError, match=r"^tomcat_apps: shop: http://127.0.0.1:9/s.war could not be fetched \("):
        fetch(url_app("http://127.0.0.1:9/s.war", f"sha256:{SHA}", tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == []


def test_each_release_has_its_directory_and_a_descriptor_that_names_its_file_and_release():
    apps = [{**one(version="2"), "sha256": SHA}, plan([{"context": "/old", "state": "absent"}])[0]]
    shop, old = releases(apps, "/var/lib/tomcat_ha/apps")
    assert shop["release"] == f"/var/lib/tomcat_ha/apps/shop/{SHA}" and shop["descriptor_file"] == "shop##2.xml"
    assert shop["descriptor"] == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!-- shop##2.xml: shop (/shop, version 2), release {SHA}; written by sessionlab.tomcat_ha.tomcat_apps -->\n"
        f'<Context docBase="/var/lib/tomcat_ha/apps/shop/{SHA}"/>\n'
    )
    assert "release" not in old and "descriptor" not in old


@pytest.mark.parametrize("where", ["var/lib/apps", "/var/lib/apps/", "/var/lib/../apps", "/srv/my apps", '/srv/"x'])
def test_a_releases_directory_that_is_not_a_plain_absolute_path_is_refused(where):
    with pytest.raises(AppError, match=r"^tomcat_apps: tomcat_apps_dir .* must be an absolute path of letters, digits"):
        releases([], where)
