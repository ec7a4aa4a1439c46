# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: war_info
short_description: Read what a WAR on the controller declares, distributable first
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
positional: _input
description:
  - Opens a web application archive (WAR) on the controller and reads its C(WEB-INF/web.xml) and the
    C(META-INF/web-fragment.xml) of each jar in C(WEB-INF/lib).
  - >-
    RV(_value.distributable) is what Tomcat makes of it. A cluster replicates an application's sessions only when
    its C(web.xml) has C(<distributable/>) and so has every web fragment Tomcat uses (all of them, unless C(web.xml)
    is C(metadata-complete) or its C(<absolute-ordering>) leaves some out).
  - A file that is missing, not a zip archive, a zip archive without C(WEB-INF/), or a descriptor that cannot be
    read or is not well-formed XML with the right root element is an error with one sentence naming the file.
  - The file is read on the controller, where filters run; for a WAR on a managed host, fetch it first.
options:
  _input:
    description: The WAR's path on the controller.
    type: path
    required: true
notes:
  - A WAR without C(WEB-INF/web.xml) is valid (Servlet 3.0 and later) and not distributable.
  - C(jakarta) tells whether C(web.xml) uses the Jakarta EE namespace that Tomcat 10 and later expect of an
    application built for them; an older namespace often means an application built for C(javax.servlet).
seealso:
  - name: Tomcat clustering how-to
    description: Applications must be marked distributable for their sessions to be replicated.
    link: https://tomcat.apache.org/tomcat-10.1-doc/cluster-howto.html
"""

EXAMPLES = r"""
- name: Refuse a cluster for an application that is not distributable
  ansible.builtin.assert:
    that: (app_war | sessionlab.tomcat_ha.war_info).distributable
    fail_msg: >-
      {{ app_war }} is not distributable: a cluster would not replicate its sessions; add <distributable/> to its
      web.xml (and its web fragments), or choose a strategy without a cluster.

- name: Show what the WAR declares
  ansible.builtin.debug:
    msg: "{{ 'files/shop.war' | sessionlab.tomcat_ha.war_info }}"
  # {distributable: true, display_name: 'sessionlab shop (shop)', fragments: [], jakarta: true, version: '6.0', ...}
"""

RETURN = r"""
_value:
  description: What the WAR declares.
  type: dict
  contains:
    path:
      description: The path read.
      type: str
      sample: build/apps/shop.war
    distributable:
      description: Whether Tomcat treats the application as distributable (web.xml and the fragments in use).
      type: bool
      sample: true
    web_xml:
      description: Whether the WAR has a C(WEB-INF/web.xml).
      type: bool
      sample: true
    web_xml_distributable:
      description: Whether C(web.xml) itself has C(<distributable/>).
      type: bool
      sample: true
    namespace:
      description: The XML namespace of C(web.xml), V(null) without one (or without C(web.xml)).
      type: str
      sample: https://jakarta.ee/xml/ns/jakartaee
    jakarta:
      description: Whether that namespace is Jakarta EE's.
      type: bool
      sample: true
    version:
      description: The C(version) attribute of C(web.xml), V(null) when absent.
      type: str
      sample: "6.0"
    display_name:
      description: The C(display-name) of C(web.xml), V(null) when absent.
      type: str
      sample: sessionlab shop (shop)
    metadata_complete:
      description: Whether C(web.xml) is C(metadata-complete) (Tomcat then skips the web fragments).
      type: bool
      sample: true
    fragments:
      description: The web fragments of the jars in C(WEB-INF/lib), in the jars' order.
      type: list
      elements: dict
      contains:
        jar:
          description: The jar's path in the WAR.
          type: str
          sample: WEB-INF/lib/audit.jar
        name:
          description: The fragment's C(name), V(null) when it has none.
          type: str
          sample: audit
        distributable:
          description: Whether the fragment has C(<distributable/>).
          type: bool
          sample: false
        used:
          description: Whether Tomcat uses the fragment (not when C(web.xml) is metadata-complete or leaves it out).
          type: bool
          sample: true
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._war import WarError, read_war


def war_info(path):
    """What the WAR at path (on the controller) declares; AnsibleFilterError with one sentence otherwise."""
    if not isinstance(path, str) or not path:
        raise AnsibleFilterError(f"war_info: the input must be the path of a WAR on the controller, got {path!r}.")
    try:
        return read_war(path)
    except WarError as exc:
        # The sentence already says what the cause said; ansible-core would repeat a chained cause after it.
        raise AnsibleFilterError(f"war_info: {exc}") from None


class FilterModule:
    def filters(self):
        return {"war_info": war_info}
