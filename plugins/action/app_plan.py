# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action for sessionlab.tomcat_ha.app_plan: the applications to deploy, checked, fetched and read on the controller."""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._app_plan_spec import ARGUMENT_SPEC
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._apps import (
    AppError,
    fetch,
    inspect,
    plan,
    releases,
    session_classes,
)


class ActionModule(ActionBase):
    """Check the applications, fetch each URL's WAR into the controller's cache, and read every WAR."""

    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            planned = plan(args["apps"], test_page=args["test_page"], cache_dir=args["cache_dir"])
            fetched = [
                app["url"]
                for app in planned
                if fetch(app, timeout=args["timeout"], validate_certs=args["validate_certs"])
            ]
            apps = releases(inspect(planned, cluster=args["cluster"]), args["releases_dir"])
        except AppError as exc:
            result.update(failed=True, msg=str(exc))
            return result
        result.update(changed=bool(fetched), apps=apps, session_classes=session_classes(apps), fetched=fetched)
        return result
