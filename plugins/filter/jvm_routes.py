# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: jvm_routes
short_description: Map each backend to its Tomcat jvmRoute
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
positional: _input, hostvars
description:
  - Returns a dictionary from inventory hostname to the Tomcat C(jvmRoute) of that backend.
  - The default route is O(prefix) followed by the 1-based position of the host in O(_input)
    (C(tomcat1), C(tomcat2), ...). A non-empty string in the host variable named by O(override_var) wins.
  - Routes may only contain C(A-Z), C(a-z), C(0-9), C(_) and C(-). A C(.) would break the C(id.route) split
    done by Tomcat and httpd; C(;), C(,) and spaces break the cookie.
options:
  _input:
    description: Inventory hostnames of the backends, in group order.
    type: list
    elements: str
    required: true
  hostvars:
    description: The C(hostvars) mapping, to read per-host overrides. Without it only default routes are built.
    type: dict
  prefix:
    description: Prefix of the default routes.
    type: str
    default: tomcat
  override_var:
    description: Host variable that overrides the default route of a host.
    type: str
    default: tomcat_jvm_route
notes:
  - Errors name the filter and the bad value; duplicate hosts, duplicate routes and invalid characters are errors.
"""

EXAMPLES = r"""
- name: Routes for the tomcat group
  ansible.builtin.debug:
    msg: "{{ groups['tomcat'] | sessionlab.tomcat_ha.jvm_routes(hostvars) }}"
  # {"backend1": "tomcat1", "backend2": "tomcat2"}

- name: The route of this host
  ansible.builtin.set_fact:
    tomcat_jvm_route: "{{ (groups['tomcat'] | sessionlab.tomcat_ha.jvm_routes(hostvars))[inventory_hostname] }}"
"""

RETURN = r"""
_value:
  description: Inventory hostname to route.
  type: dict
  sample: {backend1: tomcat1, backend2: tomcat2}
"""

from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._topology import build_routes


def jvm_routes(backends, hostvars=None, *, prefix="tomcat", override_var="tomcat_jvm_route"):
    """{inventory_hostname: jvmRoute}; default prefix + 1-based index, a per-host override wins."""
    return build_routes("jvm_routes", backends, hostvars, prefix=prefix, override_var=override_var)


class FilterModule:
    def filters(self):
        return {"jvm_routes": jvm_routes}
