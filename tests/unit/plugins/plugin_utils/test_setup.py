# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The topology of a run: what every role gets, and one sentence for every setting it cannot be built from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._setup import (
    COMPUTED,
    TopologyError,
    offered,
    topology,
)

ROOT = Path(__file__).resolve().parents[4]
STRATEGIES = yaml.safe_load((ROOT / "playbooks" / "vars" / "strategies.yml").read_text())["tomcat_ha_strategies"]


def host(*addresses, ipv6=()):
    return {
        "ansible_all_ipv4_addresses": list(addresses),
        "ansible_all_ipv6_addresses": list(ipv6),
        "ansible_default_ipv4": {"address": addresses[0]},
    }


HOSTVARS = {
    "lb": host("10.0.0.9", ipv6=("fe80::9", "fd00::9")),
    "b1": host("10.0.0.1"),
    "b2": host("10.0.0.2"),
}
GROUPS = {"balancers": ["lb"], "backends": ["b1", "b2"]}


def setup(**kwargs):
    args = {"strategies": STRATEGIES, "groups": GROUPS, "hostvars": HOSTVARS, **kwargs}
    return topology(**args)


def test_the_default_setup_is_round_robin_without_a_cluster():
    result = setup()
    assert (result["balancer"], result["strategy"], result["cluster"]) == ("nginx", "none", False)
    assert result["balancer_setting"] == "round_robin" and result["round_robin"] and not result["route_binder"]
    assert result["routes"] == {"b1": "tomcat1", "b2": "tomcat2"}
    assert [m["address"] for m in result["balancer_members"]] == ["b1", "b2"]
    assert result["cluster_members"] == [] and result["cluster_sources"] == []
    # Link-local IPv6 addresses are left out: no firewall rule can use them across hosts.
    assert result["balancer_addresses"] == ["10.0.0.9", "fd00::9"]


def test_a_cluster_gets_members_sources_and_partition_addresses():
    result = setup(strategy="cluster")
    assert [m["address"] for m in result["cluster_members"]] == ["10.0.0.1", "10.0.0.2"]
    assert result["cluster_sources"] == ["10.0.0.1", "10.0.0.2"]
    # A partition cuts b1 off from the balancer's and the other backend's addresses, and its cluster address.
    assert result["hosts"]["b1"]["drop_addresses"] == ["10.0.0.9", "fd00::9", "10.0.0.2"]


def test_the_connector_binds_the_address_the_balancers_use_only_when_it_is_an_ip_address():
    hostvars = {**HOSTVARS, "b1": {**HOSTVARS["b1"], "balancer_member_address": "10.0.0.1"}}
    result = setup(hostvars=hostvars)
    assert result["hosts"]["b1"]["http_address"] == "10.0.0.1"
    assert result["hosts"]["b2"]["http_address"] == ""


def test_the_backends_group_is_honoured():
    result = setup(groups={"balancers": ["lb"], "tomcats": ["b2"]}, backends_group="tomcats")
    assert result["backends"] == ["b2"] and list(result["hosts"]) == ["b2"]


def test_tls_with_the_redirect_marks_cookies_secure():
    assert setup(tls=True)["cookie_secure"]
    assert not setup(tls=True, tls_redirect=False)["cookie_secure"]


def test_every_strategy_is_offered_somewhere():
    for balancer in ("nginx", "httpd", "haproxy"):
        assert offered(STRATEGIES, balancer)
    assert "ip_hash" not in offered(STRATEGIES, "httpd")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"balancer": "apache"}, "tomcat_ha_balancer must be one of nginx, httpd, haproxy (got 'apache')"),
        ({"strategy": "magic"}, "tomcat_ha_strategy must be one of none, ip_hash"),
        (
            {"balancer": "httpd", "strategy": "ip_hash"},
            "strategy ip_hash is not offered on httpd: use one of none, sticky",
        ),
        ({"balancer": "haproxy", "tls": True}, "tomcat_ha_tls is offered on nginx and httpd, not on haproxy"),
        ({"groups": {"backends": ["b1", "b2"]}}, "the inventory needs a 'balancers' group"),
        (
            {"groups": {"balancers": ["lb"], "backends": ["b1"]}, "strategy": "cluster"},
            "at least two: strategy cluster",
        ),
        ({"play_hosts": ["lb", "b1"]}, "but b2 were left out of this run (--limit)"),
        ({"strategies": {"x": {"cluster": False}}}, "strategy 'x' must have exactly the keys"),
    ],
)
def test_bad_settings_are_refused_with_one_sentence(kwargs, message):
    with pytest.raises(TopologyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        setup(**kwargs)


def test_a_limited_run_is_allowed_without_the_firewall():
    assert setup(play_hosts=["lb", "b1"], firewall=False)["backends"] == ["b1", "b2"]


def test_a_bad_host_variable_gets_the_member_filters_sentence():
    hostvars = {**HOSTVARS, "b2": {**HOSTVARS["b2"], "tomcat_jvm_route": "tomcat1"}}
    with pytest.raises(AnsibleFilterError, match="duplicate route 'tomcat1'"):
        setup(hostvars=hostvars)


def test_every_name_a_balancer_gives_a_backend_maps_to_its_inventory_name():
    hostvars = {**HOSTVARS, "b2": {**HOSTVARS["b2"], "ansible_all_ipv6_addresses": ["fd00::2"]}}
    names = setup(hostvars=hostvars)["backend_names"]
    # HAProxy's server name (the route), httpd's worker URL, nginx's address:port, IPv6 in brackets.
    assert names["tomcat1"] == names["http://b1:8080"] == names["10.0.0.1:8080"] == names["b1:8080"] == "b1"
    assert names["[fd00::2]:8080"] == "b2"
    assert setup()["served_by_header"] == "X-Served-By"
    assert setup(served_by_header="")["served_by_header"] == ""


def test_the_applications_are_checked_completed_and_their_session_classes_collected():
    apps = [{"context": "/shop", "war": "/srv/shop.war", "session_classes": ["sessionlab\\.shop\\.Cart"]}]
    result = setup(strategy="cluster", apps=apps)
    assert [(a["name"], a["basename"], a["health_url_path"]) for a in result["apps"]] == [("shop", "shop", "/shop/")]
    assert result["session_classes"] == ["sessionlab\\.shop\\.Cart"] and result["test_page"] is True
    assert (setup()["apps"], setup()["session_classes"]) == ([], [])


def test_an_application_on_the_test_pages_root_is_refused_until_the_test_page_is_off():
    apps = [{"context": "/", "war": "/srv/shop.war"}]
    with pytest.raises(TopologyError, match=r"^tomcat_apps: ROOT takes the context / that the test page serves"):
        setup(apps=apps)
    assert setup(apps=apps, test_page=False)["apps"][0]["basename"] == "ROOT"
    with pytest.raises(TopologyError, match=r"^tomcat_apps: application 1 \(/shop \): context '/shop ' must be /"):
        setup(apps=[{"context": "/shop ", "war": "/srv/shop.war"}])


@pytest.mark.parametrize(
    ("balancer", "setting"), [("haproxy", "haproxy_balancer_check_path"), ("httpd", "httpd_balancer_health_check_path")]
)
def test_without_the_test_page_haproxy_and_httpd_need_a_health_check_page_of_the_application(balancer, setting):
    with pytest.raises(TopologyError) as caught:
        setup(balancer=balancer, strategy="sticky", test_page=False)
    assert str(caught.value) == (
        f"tomcat_ha_test_page is false, so no backend serves /health.jsp, the test page that {balancer}'s health "
        f"checks ask for: set {setting} to a page of your application that answers without a session (its health "
        "path, such as /shop/health)."
    )
    hostvars = {**HOSTVARS, "lb": {**HOSTVARS["lb"], setting: "/shop/health"}}
    assert setup(balancer=balancer, strategy="sticky", test_page=False, hostvars=hostvars)["test_page"] is False
    # nginx checks no page of its own.
    assert setup(test_page=False)["test_page"] is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"http_port": 70000}, "tomcat_ha_http_port must be a port in 1-65535 (got 70000)"),
        ({"cluster_port": 0, "strategy": "cluster"}, "tomcat_ha_cluster_port must be a port in 1-65535 (got 0)"),
        ({"route_prefix": "tom cat"}, "tomcat_ha_route_prefix may only contain A-Z, a-z, 0-9, '_' and '-'"),
        ({"served_by_header": "X Served"}, "tomcat_ha_served_by_header must be a header name"),
        (
            {"strategy": ""},
            "tomcat_ha_strategy must be one of none, ip_hash, hash_cookie, sticky, cluster, sticky_cluster, "
            "sticky_store (got '')",
        ),
        ({"backends_group": "tomcat"}, "a 'tomcat' group (tomcat_ha_backends_group)"),
    ],
)
def test_the_collection_settings_are_named_as_set(kwargs, message):
    with pytest.raises(TopologyError) as err:
        setup(**kwargs)
    assert message in str(err.value)


@pytest.mark.parametrize("var", sorted(COMPUTED))
def test_a_setting_site_yml_computes_is_refused_from_the_inventory(var):
    target = "lb" if var.startswith("balancer_") else "b2"
    hostvars = {**HOSTVARS, target: {**HOSTVARS[target], var: "set by hand"}}
    with pytest.raises(TopologyError) as err:
        setup(hostvars=hostvars)
    source, instead = COMPUTED[var]
    assert f"{var} is set for {target}, but site.yml sets it itself, {source}" in str(err.value)
    assert f"{instead}, and remove {var} from the inventory and -e." in str(err.value)


def test_the_settings_the_setup_reads_per_backend_are_honoured():
    hostvars = {**HOSTVARS, "b1": {**HOSTVARS["b1"], "tomcat_jvm_route": "one", "tomcat_http_port": 8081}}
    result = setup(hostvars=hostvars)
    assert result["routes"]["b1"] == "one" and result["hosts"]["b1"]["http_port"] == 8081


def test_site_yml_hands_the_roles_only_what_the_setup_refuses_from_the_inventory_or_honours():
    """Every variable site.yml passes a role is computed (and then refused from the inventory), read per backend by
    the setup (and so honoured), or the roles' own switch of their preflight; a new one must join COMPUTED."""
    site = (ROOT / "playbooks" / "site.yml").read_text()
    passed = set(re.findall(r"^ {12}([a-z_]+): ", site, re.M)) | set(re.findall(r"^ {8}([a-z_]+): ", site, re.M))
    passed = {
        name
        for name in passed
        if name.startswith(("tomcat_", "session_app_", "session_store_", "balancer_", "jdk_", "lab_hosts_"))
    }
    # tomcat_host_name: each backend's own, or with the store the one the backends share (set on all, or none).
    honoured = {"tomcat_jvm_route", "tomcat_http_port", "tomcat_host_name"}
    preflights = {name for name in passed if name.endswith("_preflight")}
    assert passed - honoured - preflights - set(COMPUTED) == set()
    assert set(COMPUTED) <= passed


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1", "[::1]"])
def test_a_loopback_member_is_refused_unless_it_is_the_balancer_itself(address):
    hostvars = {**HOSTVARS, "b1": {**HOSTVARS["b1"], "balancer_member_address": address}}
    with pytest.raises(TopologyError, match="a loopback address only that host reaches"):
        setup(hostvars=hostvars)
    # One host that is the balancer and a backend reaches itself there.
    result = setup(hostvars=hostvars, groups={"balancers": ["b1"], "backends": ["b1", "b2"]})
    assert result["balancer_members"][0]["address"] == address
