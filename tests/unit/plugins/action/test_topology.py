# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The topology action in a real ansible-playbook run: once, for every host of the play, from the inventory."""

from __future__ import annotations

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


def play(repo_root, tmp_path, extra):
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump(INVENTORY))
    strategies = repo_root / "playbooks" / "vars" / "strategies.yml"
    (tmp_path / "play.yml").write_text(PLAY.format(strategies=strategies, out=tmp_path))
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
