# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The data of playbooks/vars: strategies with exactly their keys, and an expectation for every run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from _cli import run
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._verdict import check_expectation, expectation_cell

ROOT = Path(__file__).resolve().parents[2]
VARS = ROOT / "playbooks" / "vars"
STRATEGIES_FILE = yaml.safe_load((VARS / "strategies.yml").read_text())
STRATEGIES = STRATEGIES_FILE["tomcat_ha_strategies"]
EXPECTATIONS = yaml.safe_load((VARS / "expectations.yml").read_text())["tomcat_ha_expectations"]
FAULTS = yaml.safe_load((VARS / "faults.yml").read_text())["tomcat_ha_faults"]
# Balancer -> the strategy key its role takes its setting from, as site.yml reads it.
BALANCERS = STRATEGIES_FILE["_ha_balancer_setting"]


def choices(role, option):
    spec = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())
    return spec["argument_specs"]["main"]["options"][option]["choices"]


def cell(strategy, balancer, fault):
    """The cell the verification judges a run against."""
    return expectation_cell(EXPECTATIONS, strategy, balancer, fault)


def test_every_balancer_has_its_strategy_setting():
    assert set(BALANCERS) == set(STRATEGIES_FILE["_ha_balancers"]) == {"nginx", "httpd", "haproxy"}
    assert set(STRATEGIES_FILE["_ha_tls_balancers"]) <= set(BALANCERS)


def role_default(role, name):
    return yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text())[name]


def test_the_answer_timeouts_and_cluster_defaults_site_yml_compares_are_the_roles_defaults():
    timeouts = STRATEGIES_FILE["_ha_answer_timeouts"]
    assert set(timeouts) == set(BALANCERS)
    for balancer, spec in timeouts.items():
        assert spec["dialect"] == balancer
        assert str(spec["default"]) == str(role_default(f"{balancer}_balancer", spec["var"])), balancer
    for name, value in STRATEGIES_FILE["_ha_cluster_defaults"].items():
        assert value == role_default("tomcat", name), name


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_every_strategy_has_exactly_its_keys_and_valid_settings(strategy):
    entry = STRATEGIES[strategy]
    assert set(entry) == {"description", "cluster", *BALANCERS.values()}
    assert isinstance(entry["cluster"], bool)
    for balancer, setting in BALANCERS.items():
        assert entry[setting] in [*choices(f"{balancer}_balancer", setting), None], balancer
    assert any(entry[setting] for setting in BALANCERS.values()), "offered on no balancer"


def test_every_strategy_has_expectations_and_no_more():
    assert set(EXPECTATIONS) == set(STRATEGIES)


@pytest.mark.parametrize("strategy", sorted(EXPECTATIONS))
def test_every_cell_of_every_offered_run_is_a_valid_expectation(strategy):
    entry = EXPECTATIONS[strategy]
    assert set(entry) <= {"default", *FAULTS, *BALANCERS}, set(entry)
    for balancer, setting in BALANCERS.items():
        assert set(entry.get(balancer, {})) <= {"default", *FAULTS}
        if STRATEGIES[strategy][setting] is None:
            assert balancer not in entry, f"{strategy} is not offered on {balancer}"
            continue
        for fault in FAULTS:
            expectation = check_expectation(cell(strategy, balancer, fault))
            assert expectation["promise"], (strategy, balancer, fault)
            assert set(expectation["probe"]) == {"stable_before", "kept_after"}, (strategy, balancer, fault)


def test_the_cluster_cells_say_what_they_lose():
    # An httpd stop may fail requests; a clean stop or a crash behind nginx must lose nothing.
    assert cell("cluster", "nginx", "kill")["load"] == {"failed_requests": 0, "sessions_lost": 0, "updates_lost": 0}
    assert cell("sticky_cluster", "httpd", "stop")["load"]["failed_requests"] is None
    assert cell("cluster", "nginx", "stop")["load"] == {"failed_requests": 0, "sessions_lost": 0, "updates_lost": 0}


ROUTE_BINDER_PLAY = """
- hosts: localhost
  gather_facts: false
  vars_files: [{vars}/strategies.yml]
  tasks:
    - name: What site.yml gives the tomcat role for each strategy and balancer
      ansible.builtin.debug:
        msg: "RESULT {{{{ item.0 }}}} {{{{ item.1 }}}} {{{{ _ha_route_binder | bool }}}}"
      loop: "{{{{ tomcat_ha_strategies | list | product(_ha_balancers) | list }}}}"
      vars:
        tomcat_ha_strategy: "{{{{ item.0 }}}}"
        tomcat_ha_balancer: "{{{{ item.1 }}}}"
"""


def test_the_route_binder_is_on_behind_sticky_balancers_only(repo_root, tmp_path):
    """JvmRouteBinderValve renames a session to the node that serves it: behind round robin that is every
    other request, and a rename whose answer is lost loses the session."""
    playbook = tmp_path / "route_binder.yml"
    playbook.write_text(ROUTE_BINDER_PLAY.format(vars=VARS))
    result = run(repo_root, ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook)])
    assert result.returncode == 0, result.stdout + result.stderr
    found = {
        (strategy, balancer): binder == "True"
        for strategy, balancer, binder in re.findall(r"RESULT (\S+) (\S+) (True|False)", result.stdout)
    }
    expected = {
        (strategy, balancer): STRATEGIES[strategy][setting] not in (None, "round_robin", "none")
        for strategy in STRATEGIES
        for balancer, setting in BALANCERS.items()
    }
    assert found == expected
    assert found["sticky_cluster", "httpd"] and found["sticky_cluster", "nginx"]
    assert not found["cluster", "nginx"] and not found["cluster", "haproxy"]
