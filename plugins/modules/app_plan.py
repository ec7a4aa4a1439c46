#!/usr/bin/python
# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
---
module: app_plan
short_description: Check the applications to deploy, fetch their WARs and read them on the controller
version_added: 1.0.0
description:
  - >-
    The applications the R(tomcat_apps role,ansible_collections.sessionlab.tomcat_ha.tomcat_apps_role) deploys,
    checked as data, each URL's WAR fetched into a cache on the controller and checked against its checksum, and
    every WAR read (P(sessionlab.tomcat_ha.war_info#filter)): its sha256, and whether it is distributable.
  - >-
    Bad input stops it with one sentence that names the application and the fix, before any host changes: a key it
    does not know, a context path that is not C(/) or a path such as C(/shop) (a missing leading C(/), spaces, C(..),
    C(#) or a trailing C(/)), two applications on one context, a version Tomcat cannot use, a health path or status
    that cannot be, a session class pattern that is not a regular expression, a WAR that is missing or is not a WAR,
    a URL without a checksum, a malformed checksum or one that does not match, a URL that cannot be fetched, a
    O(releases_dir) that is not a plain absolute path, and, with O(cluster), a WAR that is not distributable.
  - It runs on the controller; run it with C(run_once). Its only change is to the cache (O(cache_dir)), where a
    WAR is kept under its checksum, so a WAR already there is not fetched again; it does so in check mode too, as
    the WAR must be read to be checked.
author:
  - sessionlab maintainers (@sessionlab)
attributes:
  check_mode:
    support: full
    description: It runs in check mode as it does otherwise; it changes no host, only the controller's cache.
  diff_mode:
    support: none
    description: It shows no difference.
  platform:
    support: full
    platforms: all
    description: It runs on the controller, as an action; no host is contacted.
options:
  apps:
    description:
      - The applications, each a mapping with these keys.
      - C(context), required, the path the application serves, C(/) for the site root or a path such as C(/shop) or
        C(/shop/admin).
      - C(war), the path of the WAR on the controller (relative to the directory C(ansible-playbook) runs in); or
        C(url), an C(http://) or C(https://) URL of the WAR, with C(checksum).
      - C(checksum), C(sha256:) followed by the WAR's 64 hex digits or C(sha512:) followed by its 128; required with
        C(url), checked with C(war) too when given.
      - >-
        C(version), optional, the application's version for Tomcat's parallel deployment (C(<name>##<version>)):
        a new version is deployed beside the old one, sessions that exist finish on the old one and new sessions
        start on the new one. Letters, digits and C(._-). Tomcat orders versions as text, so C(10) comes before
        C(9): use versions that sort, such as C(009) and C(010), or dates.
      - C(health_path), a path in the application checked after each deploy, with an optional query; default C(/),
        the application's root.
      - C(health_status), the HTTP status (or a list of them) C(health_path) must answer; default V(200).
      - C(session_classes), regular expressions over the class names of the application's own session attributes
        that a Tomcat cluster may replicate (Tomcat's C(sessionAttributeValueClassNameFilter), which matches the
        whole name), such as C(com\.example\.shop\.Cart); default none.
      - C(name), a name for messages and for the application's directory on the backends; default Tomcat's name of
        the context (C(ROOT) for C(/), C(shop) for C(/shop), C(shop#admin) for C(/shop/admin)).
      - C(state), V(present) (the default) or V(absent) (undeploy every version of the context; C(war) and C(url)
        are not needed).
    type: list
    elements: raw
    required: true
  cluster:
    description: The backends run a Tomcat cluster, so every WAR must be distributable.
    type: bool
    default: false
  test_page:
    description: The collection's test page serves C(/), so no application may take it.
    type: bool
    default: false
  cache_dir:
    description: Where the WARs of URLs are kept on the controller, each as C(<algorithm>-<checksum>.war).
    type: path
    default: ~/.cache/sessionlab-tomcat-ha/wars
  releases_dir:
    description:
      - Where the backends keep the releases, C(tomcat_apps_dir) of the
        R(tomcat_apps role,ansible_collections.sessionlab.tomcat_ha.tomcat_apps_role); each present application's
        RV(apps[].release) and RV(apps[].descriptor) name it.
    type: str
    default: /var/lib/tomcat_ha/apps
  timeout:
    description: Seconds a download may wait for the server.
    type: int
    default: 60
  validate_certs:
    description: Check the certificate of an C(https://) URL.
    type: bool
    default: true
seealso:
  - module: sessionlab.tomcat_ha.topology
  - name: Tomcat's parallel deployment
    description: How Tomcat runs several versions of one context and routes a request to the version of its session.
    link: https://tomcat.apache.org/tomcat-10.1-doc/config/context.html#Parallel_deployment
"""

EXAMPLES = r"""
- name: Check the applications and fetch their WARs
  sessionlab.tomcat_ha.app_plan:
    apps:
      - context: /shop
        war: files/shop.war
        version: "2026.12.07"
        health_path: /health
        session_classes: ['com\.example\.shop\.Cart']
      - context: /reports
        url: https://artifacts.example.com/reports-1.4.war
        checksum: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    cluster: true
  run_once: true
  register: plan
"""

RETURN = r"""
apps:
  description: The applications, completed, in the order given.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The application's name.
      type: str
      sample: shop
    context:
      description: Its context path.
      type: str
      sample: /shop
    version:
      description: Its version, V("") without one.
      type: str
      sample: "2026.12.07"
    state:
      description: V(present) or V(absent).
      type: str
      sample: present
    war:
      description: The WAR on the controller (for a URL, its place in the cache).
      type: str
      sample: /home/ops/site/files/shop.war
    url:
      description: The URL, V("") for a WAR on the controller.
      type: str
      sample: ""
    checksum:
      description: The checksum given, as C(<algorithm>:<hex digits>), V("") without one.
      type: str
      sample: ""
    sha256:
      description: The WAR's sha256 (present applications).
      type: str
      sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    distributable:
      description: Whether Tomcat treats it as distributable (present applications).
      type: bool
      sample: true
    release:
      description: Where the release lives on a backend, the WAR unpacked (present applications).
      type: str
      sample: /var/lib/tomcat_ha/apps/shop/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    descriptor_file:
      description: The context descriptor's file name in the Host's configuration directory (present applications).
      type: str
      sample: shop##2026.12.07.xml
    descriptor:
      description: The descriptor's content, a C(Context) whose C(docBase) is RV(apps[].release) (present applications).
      type: str
      sample: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>..."
    basename:
      description: Tomcat's base name of its files, C(<name>##<version>) with a version (C(ROOT) for C(/)).
      type: str
      sample: shop##2026.12.07
    context_name:
      description: Tomcat's name of the context in its log (V("") for the root without a version).
      type: str
      sample: /shop##2026.12.07
    health_path:
      description: The health path in the application.
      type: str
      sample: /health
    health_url_path:
      description: The health path on the site (the context's path and the health path).
      type: str
      sample: /shop/health
    health_status:
      description: The statuses the health path may answer.
      type: list
      elements: int
      sample: [200]
    session_classes:
      description: Its session class patterns.
      type: list
      elements: str
      sample: ['com\.example\.shop\.Cart']
session_classes:
  description: Every present application's session class patterns, once each, in order.
  returned: success
  type: list
  elements: str
  sample: ['com\.example\.shop\.Cart']
fetched:
  description: The URLs whose WAR was downloaded by this run (the others were in the cache).
  returned: success
  type: list
  elements: str
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._app_plan_spec import ARGUMENT_SPEC


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
    )
    module.fail_json(msg="app_plan runs on the controller, as an action: call it as sessionlab.tomcat_ha.app_plan.")


if __name__ == "__main__":
    main()
