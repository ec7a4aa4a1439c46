# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Roles' preflights on localhost: the versions each Debian release packages.

Every other bad value, and the values the preflights must let through, are rows of the bad-input table
(tests/bad_input/cases.py), which tests/unit/test_bad_input.py runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from _cli import run

PLAY = """
- name: Preflight only
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Run the role's preflight
      ansible.builtin.include_role:
        name: sessionlab.tomcat_ha.{role}
        tasks_from: preflight
"""


def preflight(repo_root, tmp_path, role, extra):
    """Run ROLE's preflight on localhost with extra vars; return (rc, output)."""
    playbook = tmp_path / "preflight.yml"
    playbook.write_text(PLAY.format(role=role))
    # Modules (the TLS check's stat) run on this Python, whatever interpreter discovery would find.
    interpreter = {"ansible_python_interpreter": sys.executable}
    command = ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra)]
    command += ["-e", json.dumps(interpreter)]
    result = run(repo_root, command)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.returncode, output


# What site.yml passes besides the cluster: the balancers' addresses for the firewall.
FIREWALL = {"tomcat_firewall_http_sources": ["10.0.0.9"]}


def expect(rc, output, message):
    """A preflight that passes (message None), or one that stops with message in its output (whitespace folded)."""
    if message:
        assert rc != 0, output
        assert message.replace("\n", " ") in " ".join(output.split()), output
    else:
        assert rc == 0, output


# A cluster of two as site.yml passes it, this host the first member.
CLUSTER = {
    **FIREWALL,
    "tomcat_cluster_enabled": True,
    "tomcat_cluster_encryption_key": "0123456789abcdef" * 4,
    "tomcat_cluster_members": [
        {"host": "localhost", "address": "10.0.0.1", "port": 4000, "unique_id": "{" + ",".join(["1"] * 16) + "}"},
        {"host": "backend2", "address": "10.0.0.2", "port": 4000, "unique_id": "{" + ",".join(["2"] * 16) + "}"},
    ],
}


def debian_release() -> str:
    """This host's Debian major version, which the preflights below read from its facts."""
    lines = Path("/etc/os-release").read_text().splitlines()
    fields = dict(line.split("=", 1) for line in lines if "=" in line)
    assert fields.get("ID") == "debian", "the unit tests run on Debian 12 or 13"
    return fields["VERSION_ID"].strip('"')


# Per Debian release: what it packages, the default first, and one version it does not package.
RELEASE_VERSIONS = {
    "12": {"jdk": ([17], 21), "tomcat": ([10], 11)},
    "13": {"jdk": ([21, 25], 17), "tomcat": ([11, 10], 12)},
}


@pytest.mark.parametrize("role", ["jdk", "tomcat"])
def test_versions_come_from_the_release(repo_root, tmp_path, role):
    release = debian_release()
    packaged, missing = RELEASE_VERSIONS[release][role]
    extra = FIREWALL if role == "tomcat" else {}
    rc, output = preflight(repo_root, tmp_path, role, extra)
    assert rc == 0, output
    for version in packaged:
        rc, output = preflight(repo_root, tmp_path, role, {**extra, f"{role}_version": version})
        assert rc == 0, output
    rc, output = preflight(repo_root, tmp_path, role, {**extra, f"{role}_version": missing})
    assert rc != 0, output
    name = "OpenJDK" if role == "jdk" else "Tomcat"
    expected = f"{role}: Debian {release} packages no {name} {missing}: set {role}_version to one of "
    assert expected + ", ".join(map(str, packaged)) + " (the first is the default)" in output, output


@pytest.mark.parametrize(
    ("role", "value", "message"),
    [
        ("jdk", "seventeen", "argument 'jdk_version' is of type str and we were unable to convert to int"),
        ("jdk", 8, "jdk: jdk_version must be a whole major version, 11 or newer, or unset"),
        ("tomcat", "ten", "argument 'tomcat_version' is of type str and we were unable to convert to int"),
        ("tomcat", 9, "tomcat: tomcat_version must be a major version, 10 or newer, or unset"),
    ],
)
def test_bad_versions(repo_root, tmp_path, role, value, message):
    extra = FIREWALL if role == "tomcat" else {}
    rc, output = preflight(repo_root, tmp_path, role, {**extra, f"{role}_version": value})
    assert rc != 0, output
    assert message in output, output


FILTER_PLAY = """
- name: The cluster's session attribute filter
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Run the tomcat role's preflight, keeping its variables
      ansible.builtin.include_role:
        name: sessionlab.tomcat_ha.tomcat
        tasks_from: preflight
        public: true
    - name: Keep the filter
      ansible.builtin.copy:
        content: "{{ _tomcat_session_class_filter }}"
        dest: "{out}"
        mode: "0644"
"""


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, r"^java\.lang\.(?:Integer|String)$"),
        (
            {"tomcat_cluster_session_attribute_classes": [r"sessionlab\.shop\.Cart", r"com\.example\..*"]},
            r"(?:^java\.lang\.(?:Integer|String)$)|(?:sessionlab\.shop\.Cart)|(?:com\.example\..*)",
        ),
        ({"tomcat_cluster_session_attribute_class_filter": "", "tomcat_cluster_session_attribute_classes": ["a"]}, ""),
    ],
)
def test_the_session_class_filter_is_the_union_of_the_base_and_the_applications_classes(
    repo_root, tmp_path, settings, expected
):
    out = tmp_path / "filter.txt"
    (tmp_path / "play.yml").write_text(FILTER_PLAY.replace("{out}", str(out)))
    extra = {**CLUSTER, **settings, "ansible_python_interpreter": sys.executable}
    command = [
        "ansible-playbook",
        "-i",
        "localhost,",
        "-c",
        "local",
        str(tmp_path / "play.yml"),
        "-e",
        json.dumps(extra),
    ]
    result = run(repo_root, command)
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_text() == expected


def test_a_session_class_on_two_lines_is_refused(repo_root, tmp_path):
    rc, output = preflight(
        repo_root, tmp_path, "tomcat", {**CLUSTER, "tomcat_cluster_session_attribute_classes": ["a\nb"]}
    )
    expect(
        rc, output, "tomcat: tomcat_cluster_session_attribute_classes must list regular expressions over class names"
    )


@pytest.fixture(scope="module")
def shop_wars(tmp_path_factory):
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "lab" / "apps"))
    import build  # noqa: PLC0415

    out = tmp_path_factory.mktemp("apps")
    return {variant: str(build.build(variant, out)) for variant in ("shop", "shop-nondistributable")}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, None),
        ({"apps": [{"context": "/shop", "war": "shop", "version": "2", "health_path": "/health"}]}, None),
        ({"tomcat_apps_dir": "var/lib/apps"}, "tomcat_apps: tomcat_apps_dir must be an absolute path of letters"),
        ({"tomcat_apps_dir": "/data/webapps/releases"}, "apart from the Host's appBase (/data/webapps), where Tomcat"),
        ({"tomcat_apps_dir": "/data"}, "apart from the Host's appBase (/data/webapps), where Tomcat"),
        ({"tomcat_apps_dir": "/srv/apps", "tomcat_app_base": "/srv/apps/webapps"}, "apart from the Host's appBase"),
        (
            {"tomcat_apps_health_timeout": 0},
            "and tomcat_apps_health_timeout positive numbers of seconds (got 120 and 0)",
        ),
        (
            {"apps": [{"context": "/shop", "war": "shop"}], "tomcat_host_auto_deploy": False},
            "through its Host's autoDeploy, which tomcat_host_auto_deploy turns off: set it to true.",
        ),
        ({"apps": [{"context": "/shop", "war": "/nope/shop.war"}]}, "tomcat_apps: shop: /nope/shop.war does not exist"),
        (
            {"apps": [{"context": "/shop", "war": "shop-nondistributable"}], "tomcat_apps_cluster": True},
            "shop-nondistributable.war is not distributable (its WEB-INF/web.xml, or a web fragment it uses, has no",
        ),
        ({"apps": [{"context": "/shop", "war": "shop-nondistributable"}]}, None),
        (
            {"apps": [{"context": "/", "war": "shop"}], "tomcat_apps_test_page": True},
            "tomcat_apps: ROOT takes the context / that the test page serves",
        ),
        ({"apps": [{"context": "/shop", "url": "https://x.example/s.war"}]}, "has no checksum: add checksum: sha256:"),
    ],
)
def test_tomcat_apps_settings(repo_root, tmp_path, shop_wars, settings, message):
    settings = dict(settings)
    apps = settings.pop("apps", [])
    # "war": "shop" names a WAR built for the test.
    settings["tomcat_apps_list"] = [{**a, "war": shop_wars.get(a["war"], a["war"])} if "war" in a else a for a in apps]
    rc, output = preflight(repo_root, tmp_path, "tomcat_apps", settings)
    expect(rc, output, message)
