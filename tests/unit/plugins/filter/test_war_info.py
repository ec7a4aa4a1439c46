# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""war_info and plugin_utils/_war.py on the shop's real WARs (compiled by lab/apps/build.py) and on broken files."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from _cli import adhoc
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.war_info import war_info
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._war import WarError, read_war

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "lab" / "apps"))

import build  # noqa: E402

JAKARTA = 'xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"'


@pytest.fixture(scope="module")
def wars(tmp_path_factory):
    out = tmp_path_factory.mktemp("apps")
    return {variant: build.build(variant, out) for variant in build.VARIANTS}


def zip_file(path, members):
    """A zip archive at path with members {name: text or bytes}."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return str(path)


def jar(members):
    data = io.BytesIO()
    zip_file(data, members)
    return data.getvalue()


def web_xml(body="<distributable/>", attributes=JAKARTA):
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<web-app {attributes}>{body}</web-app>'


def fragment(name=None, distributable=True):
    inner = (f"<name>{name}</name>" if name else "") + ("<distributable/>" if distributable else "")
    return jar(
        {
            "META-INF/web-fragment.xml": f'<web-fragment xmlns="https://jakarta.ee/xml/ns/jakartaee">{inner}</web-fragment>'
        }
    )


def test_the_shops_wars(wars):
    for variant, war in wars.items():
        info = war_info(str(war))
        assert info == {
            "path": str(war),
            "web_xml": True,
            "distributable": build.VARIANTS[variant][1],
            "web_xml_distributable": build.VARIANTS[variant][1],
            "namespace": "https://jakarta.ee/xml/ns/jakartaee",
            "jakarta": True,
            "version": "6.0",
            "display_name": f"sessionlab shop ({variant})",
            "metadata_complete": True,
            "fragments": [],
        }


def test_a_war_without_web_xml_is_valid_and_not_distributable(tmp_path):
    info = read_war(zip_file(tmp_path / "a.war", {"WEB-INF/classes/A.class": b"\xca\xfe"}))
    assert (info["web_xml"], info["distributable"], info["namespace"], info["version"]) == (False, False, None, None)


def test_an_older_namespace_and_a_dtd(tmp_path):
    javaee = web_xml(attributes='xmlns="http://xmlns.jcp.org/xml/ns/javaee" version="4.0"')
    info = read_war(zip_file(tmp_path / "old.war", {"WEB-INF/web.xml": javaee}))
    assert (info["distributable"], info["jakarta"], info["version"]) == (True, False, "4.0")
    # A Servlet 2.3 descriptor names a DTD on the network; it is not fetched.
    dtd = (
        '<?xml version="1.0"?>\n<!DOCTYPE web-app PUBLIC "-//Sun Microsystems, Inc.//DTD Web Application 2.3//EN"'
        ' "http://java.sun.com/dtd/web-app_2_3.dtd">\n<web-app><display-name>old</display-name></web-app>'
    )
    info = read_war(zip_file(tmp_path / "dtd.war", {"WEB-INF/web.xml": dtd}))
    assert (info["distributable"], info["namespace"], info["display_name"]) == (False, None, "old")


@pytest.mark.parametrize(
    ("web_xml_body", "attributes", "distributable", "used"),
    [
        # Every fragment in use must be distributable too.
        ("<distributable/>", JAKARTA, False, [True, True]),
        # metadata-complete: Tomcat reads no fragment.
        ("<distributable/>", JAKARTA + ' metadata-complete="true"', True, [False, False]),
        # An absolute ordering that leaves the non-distributable fragment out, or lets it in with <others/>.
        ("<distributable/><absolute-ordering><name>good</name></absolute-ordering>", JAKARTA, True, [True, False]),
        (
            "<distributable/><absolute-ordering><name>good</name><others/></absolute-ordering>",
            JAKARTA,
            False,
            [True, True],
        ),
        ("", JAKARTA, False, [True, True]),
    ],
)
def test_web_fragments(tmp_path, web_xml_body, attributes, distributable, used):
    war = zip_file(
        tmp_path / "f.war",
        {
            "WEB-INF/web.xml": web_xml(web_xml_body, attributes),
            "WEB-INF/lib/a.jar": fragment("good"),
            "WEB-INF/lib/b.jar": fragment(distributable=False),
            "WEB-INF/lib/c.jar": jar({"x/Y.class": b"\xca\xfe"}),
        },
    )
    info = read_war(war)
    assert info["distributable"] is distributable
    assert info["fragments"] == [
        {"jar": "WEB-INF/lib/a.jar", "name": "good", "distributable": True, "used": used[0]},
        {"jar": "WEB-INF/lib/b.jar", "name": None, "distributable": False, "used": used[1]},
    ]


def _corrupt_web_xml(path, wars):
    """The shop's WAR with web.xml's compressed bytes damaged, so that reading it fails its CRC."""
    data = bytearray(wars["shop"].read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("WEB-INF/web.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + 20):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return str(path)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d, w: str(d / "missing.war"),
            "{d}/missing.war does not exist: give the path of a WAR on the controller.",
        ),
        (lambda d, w: str(d), "{d} is not a file: give the path of a WAR (a zip archive) on the controller."),
        (
            lambda d, w: (d / "t.war").write_text("not a zip") and str(d / "t.war"),
            "{d}/t.war is not a zip archive (File is not a zip file), so not a WAR: give the path of a WAR.",
        ),
        (
            lambda d, w: (d / "half.war").write_bytes(w["shop"].read_bytes()[:4000]) and str(d / "half.war"),
            "{d}/half.war is not a zip archive (File is not a zip file), so not a WAR: give the path of a WAR.",
        ),
        (
            lambda d, w: zip_file(d / "lib.jar", {"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n"}),
            "{d}/lib.jar is a zip archive without WEB-INF/, so not a WAR: give the path of a WAR.",
        ),
        (
            lambda d, w: zip_file(d / "m.war", {"WEB-INF/web.xml": "<web-app><distributable></web-app>"}),
            "WEB-INF/web.xml in {d}/m.war is not well-formed XML (mismatched tag: line 1, column 26): fix"
            " WEB-INF/web.xml and rebuild {d}/m.war.",
        ),
        (
            lambda d, w: zip_file(d / "r.war", {"WEB-INF/web.xml": '<web-fragment xmlns="x"/>'}),
            "WEB-INF/web.xml in {d}/r.war has the root element <web-fragment>, not <web-app>: fix WEB-INF/web.xml"
            " and rebuild {d}/r.war.",
        ),
        (
            lambda d, w: zip_file(d / "big.war", {"WEB-INF/web.xml": "<web-app>" + " " * (5 << 20) + "</web-app>"}),
            "WEB-INF/web.xml in {d}/big.war is larger than 4 MiB, too large for a descriptor: fix WEB-INF/web.xml and"
            " rebuild {d}/big.war.",
        ),
        (
            _corrupt_web_xml,
            "WEB-INF/web.xml in {d}/x.war cannot be read from the archive",
        ),
        (
            lambda d, w: zip_file(d / "j.war", {"WEB-INF/web.xml": web_xml(), "WEB-INF/lib/bad.jar": b"not a jar"}),
            "WEB-INF/lib/bad.jar in {d}/j.war is not a jar (zip) archive (File is not a zip file): rebuild {d}/j.war"
            " with a valid WEB-INF/lib/bad.jar.",
        ),
        (
            lambda d, w: zip_file(
                d / "k.war",
                {
                    "WEB-INF/web.xml": web_xml(),
                    "WEB-INF/lib/k.jar": jar({"META-INF/web-fragment.xml": "<web-fragment>"}),
                },
            ),
            "WEB-INF/lib/k.jar!/META-INF/web-fragment.xml in {d}/k.war is not well-formed XML (no element found:"
            " line 1, column 14): rebuild {d}/k.war with a valid WEB-INF/lib/k.jar.",
        ),
    ],
)
def test_broken_files_give_one_sentence(tmp_path, wars, make, message):
    path = make(tmp_path, wars) if make is not _corrupt_web_xml else make(tmp_path / "x.war", wars)
    expected = message.format(d=tmp_path)
    with pytest.raises(WarError) as error:
        read_war(path)
    assert str(error.value).startswith(expected)
    assert str(error.value).endswith(".") and "\n" not in str(error.value)
    with pytest.raises(AnsibleFilterError) as filter_error:
        war_info(path)
    assert filter_error.value.message == f"war_info: {error.value}"


@pytest.mark.parametrize("value", [None, "", 3, ["a.war"]])
def test_the_input_must_be_a_path(value):
    with pytest.raises(AnsibleFilterError, match=r"^war_info: the input must be the path of a WAR on the controller"):
        war_info(value)


def test_through_ansible(repo_root, wars, tmp_path):
    expression = "{{ (war | sessionlab.tomcat_ha.war_info).distributable }}"
    for variant in ("shop", "shop-nondistributable"):
        rc, result, output = adhoc(
            repo_root, "ansible.builtin.debug", {"msg": expression}, "-e", f"war={wars[variant]}"
        )
        assert rc == 0, output
        assert result["msg"] is build.VARIANTS[variant][1]
    rc, result, output = adhoc(
        repo_root, "ansible.builtin.debug", {"msg": expression}, "-e", f"war={tmp_path}/none.war"
    )
    assert rc != 0
    assert f"war_info: {tmp_path}/none.war does not exist: give the path of a WAR on the controller." in result["msg"]
