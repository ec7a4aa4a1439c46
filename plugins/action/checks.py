# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action for sessionlab.tomcat_ha.checks: a list of assertions, each with its own message, in one task."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

_KEYS = frozenset(("that", "msg", "when"))


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

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = self._task.args
        checks = args.get("checks")
        unknown = sorted(set(args) - {"checks"})
        if unknown:
            raise AnsibleActionFail(f"checks: unknown option {', '.join(unknown)}; the only option is checks.")
        if not isinstance(checks, list) or not checks:
            raise AnsibleActionFail("checks: checks must be a non-empty list of checks, each with that and msg.")
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
        result.update(changed=False, msg=f"All {len(checks)} checks passed.")
        return result
