"""The test applications' builder: real javac, real WARs, the same bytes for the same sources."""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "apps"))

import build  # noqa: E402


@pytest.fixture
def shop_copy(tmp_path, monkeypatch):
    """The shop's sources copied where a test may change them."""
    copy = tmp_path / "shop"
    shutil.copytree(build.SHOP, copy)
    monkeypatch.setattr(build, "SHOP", copy)
    return copy


def test_every_variant_builds_a_war_with_its_web_xml(tmp_path):
    for variant, (cart, distributable, _description) in build.VARIANTS.items():
        war = build.build(variant, tmp_path)
        assert war == tmp_path / f"{variant}.war"
        with zipfile.ZipFile(war) as archive:
            names = archive.namelist()
            web_xml = archive.read("WEB-INF/web.xml").decode()
        assert names == sorted(names)
        assert "WEB-INF/classes/sessionlab/shop/AddServlet.class" in names
        assert f"<param-value>{cart}</param-value>" in web_xml
        assert ("  <distributable/>\n" in web_xml) is distributable


def test_the_upgrade_and_the_broken_build_differ_from_the_shop_only_in_their_web_xml(tmp_path):
    web_xml, classes = {}, {}
    for variant in ("shop", "shop-v2", "shop-broken"):
        with zipfile.ZipFile(build.build(variant, tmp_path)) as archive:
            web_xml[variant] = archive.read("WEB-INF/web.xml").decode()
            classes[variant] = {n: archive.read(n) for n in archive.namelist() if n.startswith("WEB-INF/classes/")}
    assert "WEB-INF/classes/sessionlab/shop/VersionServlet.class" in classes["shop"]
    assert classes["shop-v2"] == classes["shop"] and classes["shop-broken"] == classes["shop"]
    version = "<param-name>sessionlab.shop.version</param-name>\n    <param-value>{}</param-value>"
    assert version.format(1) in web_xml["shop"] and version.format(2) in web_xml["shop-v2"]
    assert "<servlet-class>sessionlab.shop.MissingHealthServlet</servlet-class>" in web_xml["shop-broken"]
    assert "MissingHealthServlet" not in web_xml["shop"] + web_xml["shop-v2"]


def test_classes_target_java_17(tmp_path):
    with zipfile.ZipFile(build.build("shop", tmp_path)) as archive:
        header = archive.read("WEB-INF/classes/sessionlab/shop/Cart.class")[:8]
    # Class file major version 61 is Java 17: the WAR runs on JDK 17 and 21.
    assert header[:4] == b"\xca\xfe\xba\xbe" and int.from_bytes(header[6:8], "big") == 61


def test_same_sources_give_the_same_bytes(tmp_path):
    first = build.build("shop-badfield", tmp_path / "a").read_bytes()
    second = build.build("shop-badfield", tmp_path / "b").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a" / "shop-badfield.war") as archive:
        assert {info.date_time for info in archive.infolist()} == {build.ZIP_DATE}


def test_an_up_to_date_war_is_not_rebuilt_and_a_changed_source_is(tmp_path, shop_copy):
    war = build.build("shop", tmp_path)
    stamp = war.stat().st_mtime_ns
    assert build.build("shop", tmp_path).stat().st_mtime_ns == stamp
    health = shop_copy / "src" / "sessionlab" / "shop" / "HealthServlet.java"
    health.write_text(health.read_text().replace('"ok\\n"', '"fine\\n"'))
    before = war.read_bytes()
    assert build.build("shop", tmp_path).read_bytes() != before


def test_a_compile_error_is_one_sentence_with_javacs_output(tmp_path, shop_copy):
    (shop_copy / "src" / "sessionlab" / "shop" / "Broken.java").write_text("package sessionlab.shop; class Broken {")
    with pytest.raises(build.BuildError, match=r"^javac could not compile .*: fix the errors it printed:\n.*Broken"):
        build.build("shop", tmp_path)
    assert not (tmp_path / "shop.war").exists()


def test_an_unknown_variant_is_refused(tmp_path):
    with pytest.raises(build.BuildError, match=r"^there is no application variant 'shop-x': use one of shop, "):
        build.build("shop-x", tmp_path)


def test_missing_javac_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(build.BuildError, match=r"^javac is not on PATH: run scripts/prereq.sh --apps"):
        build.build("shop", tmp_path)


def test_cli_reports_built_then_up_to_date(tmp_path, capsys):
    assert build.main(["--out", str(tmp_path), "shop"]) == 0
    assert build.main(["--out", str(tmp_path), "shop"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"apps: {tmp_path}/shop.war (built)",
        f"apps: {tmp_path}/shop.war (up to date)",
    ]
    assert build.main(["--out", str(tmp_path), "nope"]) == 1
    assert "apps: error: there is no application variant 'nope'" in capsys.readouterr().err
