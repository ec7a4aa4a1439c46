# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: session_flow_problem
short_description: What is wrong with a flow for session_probe and session_load, in one sentence, or nothing
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
description:
  - Reads a flow as M(sessionlab.tomcat_ha.session_probe) and M(sessionlab.tomcat_ha.session_load) take it (their
    O(sessionlab.tomcat_ha.session_load#module:flow) option) and returns the sentence they would fail with, naming
    the step and the fix, or an empty string for a flow they run.
  - The verification role's preflight checks C(tomcat_ha_flow) with it, so that a step without a path, a regular
    expression that does not compile or a status that is not an HTTP status stops C(verify.yml) before anything is
    probed, loaded or faulted.
options:
  _input:
    description: The flow, a list of steps; an empty list or null is the test page's mode, and has no problem.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: A step without a path
  ansible.builtin.debug:
    msg: "{{ [{'name': 'login', 'method': 'POST'}] | sessionlab.tomcat_ha.session_flow_problem }}"
"""

RETURN = r"""
_value:
  description: The sentence, or an empty string when the flow can run.
  type: str
  sample: "flow step 1 'login': path must be a path on the site that starts with one /, such as /cart, got None."
"""

from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_flow import FlowError, parse_flow


def session_flow_problem(flow):
    """The FlowError's sentence for this flow, or ''."""
    try:
        parse_flow(flow)
    except FlowError as exc:
        return str(exc)
    return ""


class FilterModule:
    def filters(self):
        return {"session_flow_problem": session_flow_problem}
