# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action for sessionlab.tomcat_ha.topology: the setup of a run, computed once from the inventory (with deployed, the
balancer and the strategy site.yml recorded on the hosts)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.plugins.action import ActionBase
from ansible.utils.vars import load_extra_vars
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._deployed import FACT, RECORDED, deployed, record
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._settings import type_problem
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._setup import TopologyError, topology

# Each option but strategies defaults to the collection's variable of that name when it is set (the inventory or
# -e), else to the value here: option -> (variable, type, default).
VARIABLES = {
    "balancer": ("tomcat_ha_balancer", "str", "nginx"),
    "strategy": ("tomcat_ha_strategy", "str", "none"),
    "backends_group": ("tomcat_ha_backends_group", "str", "backends"),
    "route_prefix": ("tomcat_ha_route_prefix", "str", "tomcat"),
    "http_port": ("tomcat_ha_http_port", "int", 8080),
    "cluster_port": ("tomcat_ha_cluster_port", "int", 4000),
    "tls": ("tomcat_ha_tls", "bool", False),
    "tls_redirect": ("tomcat_ha_tls_redirect", "bool", True),
    "tls_certificate": ("tomcat_ha_tls_certificate", "str", ""),
    "tls_certificate_key": ("tomcat_ha_tls_certificate_key", "str", ""),
    "tls_hsts_max_age": ("tomcat_ha_tls_hsts_max_age", "int", 0),
    "firewall": ("tomcat_firewall_enabled", "bool", True),
    "served_by_header": ("tomcat_ha_served_by_header", "str", "X-Served-By"),
    "apps": ("tomcat_ha_apps", "list", []),
    "test_page": ("tomcat_ha_test_page", "bool", True),
    "store_group": ("tomcat_ha_store_group", "str", "session_stores"),
}
ARGUMENT_SPEC = {
    "strategies": {"type": "dict", "required": True},
    "deployed": {"type": "bool", "default": False},
    **{option: {"type": kind} for option, (_var, kind, _default) in VARIABLES.items()},
}
# Handed through to the balancer role as they are.
PASSED_THROUGH = ("tls_certificate", "tls_certificate_key", "tls_hsts_max_age")


class ActionModule(ActionBase):
    """Compute the setup on the controller and return it as the fact tomcat_ha_topology."""

    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        given = self._task.args
        extra = self._extra_vars()
        # The options the run asks for itself (-e, or the task's own), which a record must not contradict.
        asked = {}
        for option, (var, kind, default) in VARIABLES.items():
            name = option
            if given.get(option) is None:
                name = var
                given[option] = self._templar.template(task_vars[var]) if var in task_vars else default
                if var in extra:
                    asked[option] = "-e"
            else:
                asked[option] = "the task"
            # Read as strictly as the roles read their settings, and named as the user set it.
            problem = type_problem(kind, given[option])
            if problem:
                result.update(failed=True, msg=f"{name} {problem}.")
                return result
        problem = type_problem("bool", given.get("deployed", False))
        if problem:
            result.update(failed=True, msg=f"deployed {problem}.")
            return result
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            found = {}
            if args["deployed"]:
                # The record outranks the inventory; only what the run asks for itself is checked against it.
                ask = {option: (who, args[option]) for option, who in asked.items() if option in RECORDED}
                found = deployed(self._records(task_vars, args["backends_group"]), ask)
                args.update(found)
            setup = topology(
                strategies=args["strategies"],
                groups=task_vars.get("groups", {}),
                hostvars=task_vars.get("hostvars", {}),
                balancer=args["balancer"],
                strategy=args["strategy"],
                backends_group=args["backends_group"],
                route_prefix=args["route_prefix"],
                http_port=args["http_port"],
                cluster_port=args["cluster_port"],
                tls=args["tls"],
                tls_redirect=args["tls_redirect"],
                play_hosts=task_vars.get("ansible_play_hosts_all"),
                firewall=args["firewall"],
                served_by_header=args["served_by_header"],
                apps=args["apps"],
                test_page=args["test_page"],
                store_group=args["store_group"],
            )
        except (TopologyError, AnsibleFilterError) as exc:
            result.update(failed=True, msg=str(exc))
            return result
        setup.update({key: args[key] for key in PASSED_THROUGH})
        setup.update(record=record(setup), from_record=bool(found))
        result.update(changed=False, ansible_facts={"tomcat_ha_topology": setup})
        return result

    def _extra_vars(self):
        """The variables given to the run with -e (the play's variable manager holds them)."""
        manager = self._task.get_variable_manager()
        return manager.extra_vars if manager is not None else load_extra_vars(self._loader)

    @staticmethod
    def _records(task_vars, backends_group):
        """Every balancer's and backend's record (its local fact tomcat_ha), None where it holds none."""
        groups, hostvars = task_vars.get("groups", {}), task_vars.get("hostvars", {})
        hosts = list(dict.fromkeys([*(groups.get("balancers") or []), *(groups.get(backends_group) or [])]))
        unread = [h for h in hosts if h not in hostvars or "ansible_local" not in hostvars[h]]
        if unread:
            raise TopologyError(
                f"deployed reads the record site.yml leaves on every balancer and backend (the local fact {FACT}), but "
                f"the local facts of {', '.join(unread)} were not gathered: run on every balancer and backend (no "
                "--limit), with their local facts gathered (gather_subset local)."
            )
        return {host: (hostvars[host]["ansible_local"] or {}).get(FACT) for host in hosts}
