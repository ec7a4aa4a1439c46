# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The setup site.yml recorded on the hosts: what verify.yml takes from it, and the sentence for each refusal."""

from __future__ import annotations

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._deployed import RECORDED, deployed, record
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._setup import TopologyError

HTTPD_STICKY = {"balancer": "httpd", "strategy": "sticky", "tls": False, "served_by_header": "X-Served-By"}
HOSTS = ("lb", "b1", "b2")


def everywhere(value):
    return dict.fromkeys(HOSTS, value)


def refusal(records, asked=None):
    with pytest.raises(TopologyError) as info:
        deployed(records, asked or {})
    return str(info.value)


def test_the_record_holds_the_recorded_options_of_the_setup():
    setup = {**HTTPD_STICKY, "cluster": False, "routes": {"b1": "tomcat1"}}
    assert record(setup) == HTTPD_STICKY
    assert set(RECORDED) == set(HTTPD_STICKY)


def test_no_record_on_any_host_leaves_the_setup_to_the_inventory():
    assert deployed(everywhere(None), {"strategy": ("-e", "cluster")}) == {}


def test_one_record_on_every_host_is_the_setup_and_an_equal_e_passes():
    asked = {"balancer": ("-e", "httpd"), "strategy": ("-e", "sticky"), "tls": ("-e", False)}
    assert deployed(everywhere(HTTPD_STICKY), asked) == HTTPD_STICKY


def test_a_record_read_as_written_by_hand_is_read_strictly():
    # A boolean as an INI or hand-written file may hold it: the same as site.yml's false.
    assert deployed(everywhere({**HTTPD_STICKY, "tls": "no"}), {"tls": ("-e", False)})["tls"] is False


def test_an_older_record_without_an_option_leaves_that_option_to_the_inventory():
    older = {"balancer": "httpd", "strategy": "sticky"}
    assert deployed(everywhere(older), {"tls": ("-e", True)}) == older


def test_an_e_for_another_strategy_is_refused_naming_what_is_deployed_and_the_fix():
    message = refusal(everywhere(HTTPD_STICKY), {"strategy": ("-e", "cluster"), "balancer": ("-e", "httpd")})
    assert message == (
        "-e asks for tomcat_ha_strategy=cluster, but site.yml deployed tomcat_ha_balancer=httpd "
        "tomcat_ha_strategy=sticky on these hosts (their record, /etc/ansible/facts.d/tomcat_ha.fact): run site.yml "
        "with -e tomcat_ha_strategy=cluster first, or drop that -e to verify what is deployed."
    )


def test_several_e_that_differ_are_named_together():
    message = refusal(everywhere(HTTPD_STICKY), {"balancer": ("-e", "nginx"), "served_by_header": ("-e", "")})
    assert message.startswith('-e asks for tomcat_ha_balancer=nginx tomcat_ha_served_by_header="", but site.yml')
    deployed_setup = "tomcat_ha_balancer=httpd tomcat_ha_strategy=sticky tomcat_ha_served_by_header=X-Served-By"
    assert f"deployed {deployed_setup} on" in message
    fix = '-e tomcat_ha_balancer=nginx -e tomcat_ha_served_by_header=""'
    assert f"run site.yml with {fix} first, or drop those -e" in message


def test_an_option_of_the_task_that_differs_is_named_as_the_tasks():
    message = refusal(everywhere(HTTPD_STICKY), {"strategy": ("the task", "cluster")})
    assert message.startswith("the task asks for strategy=cluster, but site.yml deployed tomcat_ha_balancer=httpd")
    assert "run site.yml with tomcat_ha_strategy=cluster first, or leave the task's options out" in message


def test_hosts_with_different_records_are_named_with_what_differs():
    records = {"lb": {**HTTPD_STICKY, "tls": True}, "b1": HTTPD_STICKY, "b2": HTTPD_STICKY}
    assert refusal(records) == (
        "the balancers and backends do not hold one record of the setup site.yml deployed "
        "(/etc/ansible/facts.d/tomcat_ha.fact), as a run of site.yml that stopped half way leaves them (lb holds "
        "tomcat_ha_balancer=httpd tomcat_ha_strategy=sticky tomcat_ha_tls=true; b1, b2 hold tomcat_ha_balancer=httpd "
        "tomcat_ha_strategy=sticky tomcat_ha_tls=false): run site.yml again, so that every one of them runs one setup "
        "and records it."
    )


def test_a_host_without_a_record_or_with_one_site_yml_does_not_write_is_named():
    unreadable = "error loading facts as JSON or ini - please check content: /etc/ansible/facts.d/tomcat_ha.fact"
    message = refusal({"lb": unreadable, "b1": HTTPD_STICKY, "b2": None})
    assert f'(lb holds a record site.yml does not write ("{unreadable}"); b1 holds tomcat_ha_balancer=httpd' in message
    assert "tomcat_ha_strategy=sticky; b2 holds no record): run site.yml again" in message
    # The same unreadable record on every host is no setup either.
    assert "lb, b1, b2 hold a record site.yml does not write" in refusal(everywhere({**HTTPD_STICKY, "tls": "maybe"}))
