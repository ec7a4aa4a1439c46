#!/usr/bin/python
# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
---
module: checks
short_description: Check settings in one task, each check with a message of its own
version_added: 0.2.0
description:
  - >-
    Runs a list of checks in order, on the controller. Each check is a condition, or a list of them, as in
    M(ansible.builtin.assert), with a message of its own. The first check that fails ends the task with its message,
    so one task does the work of as many M(ansible.builtin.assert) tasks as it has checks, at the cost of one.
  - >-
    The checks are read one at a time: a check's conditions only when every check before it passed, and its message
    only when it fails. A message may therefore name values that only a failed check can have, and a later check
    may rely on what an earlier one made sure of.
  - The roles of this collection check their settings with it, before any change.
  - It never changes anything and runs in check mode too.
author:
  - sessionlab maintainers (@sessionlab)
extends_documentation_fragment:
  - sessionlab.tomcat_ha.controller_action
options:
  checks:
    description:
      - The checks, in the order they are made.
      - C(that) is a condition or a list of conditions, written as in a C(when) (without C({{ }})); all must hold.
      - C(msg) is the sentence the task fails with when a condition of C(that) does not hold; it is templated then.
      - C(when), optional, is a condition or a list of them; the check is made only when all hold.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Check the ports and the route
  sessionlab.tomcat_ha.checks:
    checks:
      - that:
          - tomcat_http_port | int in range(1, 65536)
          - tomcat_http_port | int != tomcat_shutdown_port | int
        msg: tomcat_http_port must be a port in 1-65535, other than tomcat_shutdown_port (got {{ tomcat_http_port }}).
      - when: tomcat_cluster_enabled | bool
        that: tomcat_cluster_members | length >= 2
        msg: a cluster needs two or more members (got {{ tomcat_cluster_members | length }}).
"""

RETURN = r"""
msg:
  description: The failed check's message, or that all passed.
  returned: always
  type: str
  sample: tomcat_http_port must be a port in 1-65535, other than tomcat_shutdown_port (got 0).
assertion:
  description: The condition that did not hold.
  returned: failure
  type: str
  sample: tomcat_http_port | int in range(1, 65536)
check:
  description: The number of the check that failed, from 1.
  returned: failure
  type: int
  sample: 1
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec={"checks": {"type": "list", "elements": "dict", "required": True}}, supports_check_mode=True
    )
    module.fail_json(msg="checks runs on the controller, as an action: call it as sessionlab.tomcat_ha.checks.")


if __name__ == "__main__":
    main()
