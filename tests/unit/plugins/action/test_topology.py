# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The topology action in a real ansible-playbook run: once, for every host of the play, from the inventory."""

from __future__ import annotations

import copy
import json
import sys

import yaml
from _cli import run

# The hosts are never contacted: the addresses stand in for gathered facts.
INVENTORY = {
    "all": {
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
        "children": {
            "balancers": {"hosts": {"lb": {"ansible_all_ipv4_addresses": ["10.0.0.9"]}}},
            "tomcats": {
                "hosts": {
                    f"b{n}": {
                        "ansible_all_ipv4_addresses": [f"10.0.0.{n}"],
                        "ansible_default_ipv4": {"address": f"10.0.0.{n}"},
                    }
                    for n in (1, 2)
                }
            },
        },
    }
}
PLAY = """
- name: Topology
  hosts: all
  gather_facts: false
  vars_files: [{strategies}]
  tasks:
    - name: Compute the setup
      sessionlab.tomcat_ha.topology:
        strategies: "{{{{ tomcat_ha_strategies }}}}"
      run_once: true
    - name: Keep what every host got
      ansible.builtin.copy:
        content: "{{{{ tomcat_ha_topology | to_json }}}}"
        dest: "{out}/{{{{ inventory_hostname }}}}.json"
        mode: "0644"
"""


def play(repo_root, tmp_path, extra, inventory=None, play_text=PLAY):
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump(INVENTORY if inventory is None else inventory))
    strategies = repo_root / "playbooks" / "vars" / "strategies.yml"
    (tmp_path / "play.yml").write_text(play_text.format(strategies=strategies, out=tmp_path))
    command = [
        "ansible-playbook",
        "-i",
        str(tmp_path / "hosts.yml"),
        str(tmp_path / "play.yml"),
        "-e",
        json.dumps(extra),
    ]
    result = run(repo_root, command)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.returncode, output


def test_every_host_of_the_play_gets_the_setup_from_the_collection_variables(repo_root, tmp_path):
    extra = {
        "tomcat_ha_backends_group": "tomcats",
        "tomcat_ha_strategy": "sticky_cluster",
        "tomcat_ha_balancer": "httpd",
    }
    rc, output = play(repo_root, tmp_path, extra)
    assert rc == 0, output
    seen = {path.stem: json.loads(path.read_text()) for path in tmp_path.glob("*.json")}
    assert set(seen) == {"lb", "b1", "b2"}, output
    setup = seen["b2"]
    assert (setup["balancer"], setup["strategy"], setup["balancer_setting"]) == (
        "httpd",
        "sticky_cluster",
        "routeid_cookie",
    )
    assert setup["backends"] == ["b1", "b2"] and setup["route_binder"]
    assert [m["address"] for m in setup["cluster_members"]] == ["10.0.0.1", "10.0.0.2"]


def test_a_bad_setting_stops_the_play_with_its_sentence(repo_root, tmp_path):
    rc, output = play(repo_root, tmp_path, {"tomcat_ha_backends_group": "tomcats", "tomcat_ha_balancer": "apache"})
    assert rc != 0, output
    assert "tomcat_ha_balancer must be one of nginx, httpd, haproxy (got 'apache')" in " ".join(output.split())


# verify.yml's call: the setup site.yml deployed, from the record it left on every balancer and backend (the local
# fact tomcat_ha, here in the inventory in place of gathered facts).
DEPLOYED_PLAY = PLAY.replace(
    'strategies: "{{{{ tomcat_ha_strategies }}}}"\n',
    'strategies: "{{{{ tomcat_ha_strategies }}}}"\n        deployed: true\n',
)
HTTPD_STICKY = {"balancer": "httpd", "strategy": "sticky", "tls": False, "served_by_header": "X-Served-By"}
NGINX_CLUSTER = {**HTTPD_STICKY, "balancer": "nginx", "strategy": "cluster"}


def with_records(records, **inventory_vars):
    """The inventory with each host's local facts (ansible_local: its record as tomcat_ha, {} for none) and the
    collection's variables the inventory sets (for every host)."""
    data = copy.deepcopy(INVENTORY)
    data["all"]["vars"].update(tomcat_ha_backends_group="tomcats", **inventory_vars)
    children = data["all"]["children"]
    for group in ("balancers", "tomcats"):
        for name, host_vars in children[group]["hosts"].items():
            if name in records:
                host_vars["ansible_local"] = {} if records[name] is None else {"tomcat_ha": records[name]}
    return data


def deployed_play(repo_root, tmp_path, records, extra=None, **inventory_vars):
    rc, output = play(repo_root, tmp_path, extra or {}, with_records(records, **inventory_vars), DEPLOYED_PLAY)
    seen = {path.stem: json.loads(path.read_text()) for path in tmp_path.glob("*.json")}
    return rc, " ".join(output.split()), seen


def test_site_yml_records_the_setup_it_computes(repo_root, tmp_path):
    extra = {"tomcat_ha_backends_group": "tomcats", "tomcat_ha_strategy": "sticky", "tomcat_ha_balancer": "httpd"}
    rc, output = play(repo_root, tmp_path, extra)
    assert rc == 0, output
    setup = json.loads((tmp_path / "lb.json").read_text())
    assert setup["record"] == HTTPD_STICKY and setup["from_record"] is False


def test_without_a_record_on_any_host_the_setup_is_the_inventorys(repo_root, tmp_path):
    records = dict.fromkeys(("lb", "b1", "b2"))
    rc, output, seen = deployed_play(
        repo_root, tmp_path, records, tomcat_ha_balancer="httpd", tomcat_ha_strategy="sticky_cluster"
    )
    assert rc == 0, output
    assert (seen["b1"]["balancer"], seen["b1"]["strategy"], seen["b1"]["from_record"]) == (
        "httpd",
        "sticky_cluster",
        False,
    )


def test_the_record_outranks_what_the_inventory_says(repo_root, tmp_path):
    # The inventory says nginx in front of a cluster; site.yml deployed httpd sticky with -e.
    records = dict.fromkeys(("lb", "b1", "b2"), HTTPD_STICKY)
    rc, output, seen = deployed_play(
        repo_root, tmp_path, records, tomcat_ha_balancer="nginx", tomcat_ha_strategy="cluster"
    )
    assert rc == 0, output
    setup = seen["lb"]
    assert (setup["balancer"], setup["strategy"], setup["cluster"], setup["from_record"]) == (
        "httpd",
        "sticky",
        False,
        True,
    )
    assert setup["record"] == HTTPD_STICKY and setup["cluster_members"] == []


def test_an_e_that_asks_for_the_recorded_setup_passes(repo_root, tmp_path):
    records = dict.fromkeys(("lb", "b1", "b2"), HTTPD_STICKY)
    extra = {"tomcat_ha_balancer": "httpd", "tomcat_ha_strategy": "sticky", "tomcat_ha_tls": "false"}
    rc, output, seen = deployed_play(repo_root, tmp_path, records, extra, tomcat_ha_strategy="cluster")
    assert rc == 0, output
    assert (seen["b2"]["balancer"], seen["b2"]["strategy"]) == ("httpd", "sticky")


def test_an_e_that_asks_for_another_setup_is_refused_with_what_is_deployed(repo_root, tmp_path):
    records = dict.fromkeys(("lb", "b1", "b2"), HTTPD_STICKY)
    rc, output, seen = deployed_play(repo_root, tmp_path, records, {"tomcat_ha_strategy": "sticky_cluster"})
    assert rc != 0 and not seen, output
    assert (
        "-e asks for tomcat_ha_strategy=sticky_cluster, but site.yml deployed tomcat_ha_balancer=httpd "
        "tomcat_ha_strategy=sticky on these hosts (their record, /etc/ansible/facts.d/tomcat_ha.fact): run site.yml "
        "with -e tomcat_ha_strategy=sticky_cluster first, or drop that -e to verify what is deployed."
    ) in output


def test_hosts_with_different_records_are_refused_naming_each(repo_root, tmp_path):
    # site.yml switched the backends, then stopped before the balancer's turn.
    records = {"lb": NGINX_CLUSTER, "b1": HTTPD_STICKY, "b2": HTTPD_STICKY}
    rc, output, seen = deployed_play(repo_root, tmp_path, records)
    assert rc != 0 and not seen, output
    assert (
        "the balancers and backends do not hold one record of the setup site.yml deployed "
        "(/etc/ansible/facts.d/tomcat_ha.fact), as a run of site.yml that stopped half way leaves them (lb holds "
        "tomcat_ha_balancer=nginx tomcat_ha_strategy=cluster; b1, b2 hold tomcat_ha_balancer=httpd "
        "tomcat_ha_strategy=sticky): run site.yml again"
    ) in output


def test_a_host_without_the_record_the_others_hold_is_refused(repo_root, tmp_path):
    records = {"lb": HTTPD_STICKY, "b1": HTTPD_STICKY, "b2": None}
    rc, output, _seen = deployed_play(repo_root, tmp_path, records)
    assert rc != 0, output
    assert "(lb, b1 hold tomcat_ha_balancer=httpd tomcat_ha_strategy=sticky; b2 holds no record)" in output


def test_hosts_whose_local_facts_were_not_gathered_are_named(repo_root, tmp_path):
    records = {"lb": HTTPD_STICKY}
    rc, output, _seen = deployed_play(repo_root, tmp_path, records)
    assert rc != 0, output
    assert "the local facts of b1, b2 were not gathered: run on every balancer and backend (no --limit)" in output
