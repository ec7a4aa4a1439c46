# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The data of playbooks/vars: strategies with exactly their keys, and an expectation for every run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._setup import (
    BALANCER_SETTINGS,
    TLS_BALANCERS,
    check_strategies,
    topology,
)
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._verdict import check_expectation, expectation_cell

ROOT = Path(__file__).resolve().parents[2]
VARS = ROOT / "playbooks" / "vars"
STRATEGIES_FILE = yaml.safe_load((VARS / "strategies.yml").read_text())
STRATEGIES = STRATEGIES_FILE["tomcat_ha_strategies"]
EXPECTATIONS = yaml.safe_load((VARS / "expectations.yml").read_text())["tomcat_ha_expectations"]
FAULTS = yaml.safe_load((VARS / "faults.yml").read_text())["tomcat_ha_faults"]
# Balancer -> the strategy key its role takes its setting from, as the topology action reads it.
BALANCERS = BALANCER_SETTINGS


def choices(role, option):
    spec = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())
    return spec["argument_specs"]["main"]["options"][option]["choices"]


def cell(strategy, balancer, fault):
    """The cell the verification judges a run against."""
    return expectation_cell(EXPECTATIONS, strategy, balancer, fault)


def test_every_balancer_has_its_role_and_the_balancer_roles_choices():
    assert set(BALANCERS) == {"nginx", "httpd", "haproxy"}
    assert set(TLS_BALANCERS) <= set(BALANCERS)
    spec = yaml.safe_load((ROOT / "roles" / "balancer" / "meta" / "argument_specs.yml").read_text())
    assert spec["argument_specs"]["main"]["options"]["balancer_type"]["choices"] == list(BALANCERS)
    for balancer in BALANCERS:
        assert (ROOT / "roles" / f"{balancer}_balancer" / "tasks" / "main.yml").exists(), balancer


def test_the_strategy_table_passes_the_topology_check():
    check_strategies(STRATEGIES)


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_every_strategy_has_exactly_its_keys_and_valid_settings(strategy):
    entry = STRATEGIES[strategy]
    assert set(entry) == {"description", "cluster", "store", *BALANCERS.values()}
    assert isinstance(entry["cluster"], bool) and isinstance(entry["store"], bool)
    assert not (entry["cluster"] and entry["store"]), "a context has one session manager"
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


def test_the_route_binder_is_on_behind_sticky_balancers_only():
    """JvmRouteBinderValve renames a session to the node that serves it: behind round robin that is every
    other request, and a rename whose answer is lost loses the session."""
    hosts = {
        "lb": {"ansible_all_ipv4_addresses": ["10.0.0.9"]},
        "b1": {"ansible_all_ipv4_addresses": ["10.0.0.1"], "ansible_default_ipv4": {"address": "10.0.0.1"}},
        "b2": {"ansible_all_ipv4_addresses": ["10.0.0.2"], "ansible_default_ipv4": {"address": "10.0.0.2"}},
        "db": {"ansible_all_ipv4_addresses": ["10.0.0.7"]},
    }
    groups = {"balancers": ["lb"], "backends": ["b1", "b2"], "session_stores": ["db"]}
    found = {}
    for strategy, entry in STRATEGIES.items():
        for balancer, setting in BALANCERS.items():
            if entry[setting] is None:
                continue
            setup = topology(strategies=STRATEGIES, groups=groups, hostvars=hosts, balancer=balancer, strategy=strategy)
            found[strategy, balancer] = setup["route_binder"]
            assert setup["route_binder"] == (entry[setting] not in ("round_robin", "none")), (strategy, balancer)
    assert found["sticky_cluster", "httpd"] and found["sticky_cluster", "nginx"]
    assert not found["cluster", "nginx"] and not found["cluster", "haproxy"]
