# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action for sessionlab.tomcat_ha.checks: a role's settings read strictly against its argument spec, then a list of
assertions, each with its own message, in one task."""

from __future__ import annotations

import os
import re

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.plugins.action import ActionBase
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._settings import spec_problems

_KEYS = frozenset(("that", "msg", "when"))
# A role default that takes another variable's value ("{{ tomcat_ha_samples | default(10) }}"): a sentence names
# that variable too, the one the user set.
_FROM = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\|\s*default\(.*\))?\s*\}\}", re.S)
_OPTIONS = frozenset(("checks", "spec"))


def _conditions(value):
    return value if isinstance(value, list) else [value]


class ActionModule(ActionBase):
    """Evaluate the checks in order on the controller; the first that fails ends the task with its message."""

    _requires_connection = False

    @classmethod
    def finalize_task_arg(cls, name, value, templar, context):
        # The checks are read one at a time in run(): a check's conditions only once the checks before it
        # passed, its message only when it fails (it may name a value only a failed check can have).
        if name == "checks" and isinstance(value, list):
            return value
        return super().finalize_task_arg(name, value, templar, context)

    def _true(self, condition):
        if isinstance(condition, bool):
            return condition
        return self._templar.evaluate_conditional(conditional=condition)

    def _spec_problem(self, entry_point, task_vars):
        """The first setting of this task's role that the role would not read as its argument spec says."""
        role = self._task._role
        if role is None:
            raise AnsibleActionFail("checks: spec reads the argument spec of the task's role; this task is in no role.")
        path = os.path.join(role.get_role_path(), "meta", "argument_specs.yml")
        specs = (self._loader.load_from_file(path) or {}).get("argument_specs") or {}
        if entry_point not in specs:
            raise AnsibleActionFail(f"checks: the role {role.get_name()} has no entry point {entry_point} in {path}.")
        options = specs[entry_point].get("options") or {}
        values = {}
        for name in options:
            if name in task_vars:
                try:
                    values[name] = self._templar.template(task_vars[name])
                except AnsibleError:
                    # What cannot be templated is the argument spec's own validation's to report.
                    continue
        name, problem = next(spec_problems(options, values), (None, None))
        if name is None:
            return None
        source = _FROM.fullmatch(str(task_vars.get(name.split("[")[0].split(".")[0], "")).strip())
        named = f"{name}, from {source.group(1)}," if source and source.group(1) in task_vars else name
        return name, f"{role.get_name(include_role_fqcn=False)}: {named} {problem}."

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = self._task.args
        checks = args.get("checks", [])
        unknown = sorted(set(args) - _OPTIONS)
        if unknown:
            raise AnsibleActionFail(f"checks: unknown option {', '.join(unknown)}; the options are checks and spec.")
        if not isinstance(checks, list) or not (checks or args.get("spec")):
            raise AnsibleActionFail("checks: checks must be a non-empty list of checks, each with that and msg.")
        if args.get("spec"):
            problem = self._spec_problem(args["spec"], task_vars or {})
            if problem:
                result.update(failed=True, msg=problem[1], argument=problem[0], check=0)
                return result
        for number, check in enumerate(checks, 1):
            if not isinstance(check, dict) or not {"that", "msg"} <= set(check) or set(check) - _KEYS:
                raise AnsibleActionFail(
                    f"checks: check {number} must be a mapping of that (a condition or a list of them), msg and, "
                    "optionally, when."
                )
            if not all(self._true(condition) for condition in _conditions(check.get("when", True))):
                continue
            for condition in _conditions(check["that"]):
                if not self._true(condition):
                    msg = self._templar.template(check["msg"])
                    result.update(failed=True, msg=msg, assertion=condition, check=number)
                    return result
        read = "The settings are what the argument spec says; a" if args.get("spec") else "A"
        result.update(changed=False, msg=f"{read}ll {len(checks)} checks passed.")
        return result
