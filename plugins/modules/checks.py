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
version_added: 1.0.0
description:
  - >-
    Runs a list of checks in order, on the controller. Each check is a condition, or a list of them, as in
    M(ansible.builtin.assert), with a message of its own. The first check that fails ends the task with its message,
    so one task does the work of as many M(ansible.builtin.assert) tasks as it has checks, at the cost of one.
  - >-
    The checks are read one at a time: a check's conditions only when every check before it passed, and its message
    only when it fails. A message may therefore name values that only a failed check can have, and a later check
    may rely on what an earlier one made sure of.
  - >-
    With O(spec), every setting of the task's role that the named entry point of its C(meta/argument_specs.yml) lists
    is read first, as strictly as the spec types it, and the first one a role would read otherwise than the spec
    fails the task with one sentence naming it and showing its value (never a C(no_log) one). Ansible's own
    validation converts a value for itself, while a role's templates and C(| bool) read the variable as it was given:
    a boolean must be V(true)/V(false), V(yes)/V(no), V(on)/V(off) or V(1)/V(0) (not V(y), V(t) or V("yes "), which
    the spec reads as true and the C(bool) filter as false), an C(int) an integer or its ASCII digits (not V(8080.0),
    V(true) or a value with a newline after its digits), a C(float) a finite number or its decimal digits, a C(list) a
    list, a C(str) not a list, a mapping or a boolean; V(null) only where the spec's default is null. Lists of
    dictionaries are read element by element, key by key, as their C(options) say. A setting whose role default takes
    another variable
    (V({{ tomcat_ha_samples | default(10\) }})) is named with that variable too.
  - The roles of this collection check their settings with it, before any change.
  - It never changes anything and runs in check mode too.
author:
  - sessionlab maintainers (@sessionlab)
extends_documentation_fragment:
  - sessionlab.tomcat_ha.controller_action
options:
  spec:
    description:
      - An entry point of the task's role's argument spec (C(meta/argument_specs.yml)), such as V(preflight), whose
        options are read strictly before the checks; see the description.
      - Only for a task in a role.
    type: str
  checks:
    description:
      - The checks, in the order they are made. Required, and not empty, unless O(spec) is given.
      - C(that) is a condition or a list of conditions, written as in a C(when) (without C({{ }})); all must hold.
      - C(msg) is the sentence the task fails with when a condition of C(that) does not hold; it is templated then.
      - C(when), optional, is a condition or a list of them; the check is made only when all hold.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: Check the role's settings against its argument spec, then the ports
  sessionlab.tomcat_ha.checks:
    spec: preflight
    checks:
      - that: tomcat_http_port | int != tomcat_shutdown_port | int
        msg: tomcat_http_port and tomcat_shutdown_port must differ (got {{ tomcat_http_port }}).

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
  description: The number of the check that failed, from 1; 0 for a setting O(spec) refused.
  returned: failure
  type: int
  sample: 1
argument:
  description: The setting O(spec) refused, with the path into a list or a dictionary.
  returned: when O(spec) refused a setting
  type: str
  sample: nginx_balancer_members[0].port
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec={"checks": {"type": "list", "elements": "dict"}, "spec": {"type": "str"}},
        supports_check_mode=True,
    )
    module.fail_json(msg="checks runs on the controller, as an action: call it as sessionlab.tomcat_ha.checks.")


if __name__ == "__main__":
    main()
