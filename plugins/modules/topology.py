#!/usr/bin/python
# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
---
module: topology
short_description: Compute the setup of site.yml and verify.yml from the inventory, or from what site.yml deployed, once
version_added: 1.0.0
description:
  - >-
    The one composition point of the collection. From the inventory (the groups, every backend's host variables and
    the gathered facts) and the choice of balancer and strategy, it computes what every role gets: the routes
    (P(sessionlab.tomcat_ha.jvm_routes#filter)), the balancer members (P(sessionlab.tomcat_ha.balancer_members#filter)),
    the cluster members (P(sessionlab.tomcat_ha.cluster_members#filter)), the balancers' and the backends' addresses,
    and what the strategy means for the chosen balancer and for Tomcat.
  - It runs on the controller and returns the fact C(tomcat_ha_topology); run it with C(run_once), so that every host
    of the play gets it. C(site.yml) and C(verify.yml) both start with it, so both use the same routes, members and
    addresses, and both honour O(backends_group).
  - >-
    Bad input stops it with one sentence, before any host changes: an unknown balancer or strategy, a strategy the
    balancer does not offer, TLS on a balancer without it, an inventory without balancers or with too few backends,
    a host variable the member filters refuse (their sentence), a run limited to some hosts while the backends'
    firewall needs every host's addresses, an application of O(apps) that M(sessionlab.tomcat_ha.app_plan) refuses as
    data (its sentence), or the test page turned off while HAProxy's or httpd's health checks still ask for it.
  - Every option but O(strategies) defaults to the collection's variable named in its description when that is set
    (in the inventory or with C(-e)), else to the default shown, so that a play needs to pass only O(strategies).
  - "The balancers' and the backends' addresses come from their facts (C(ansible_all_ipv4_addresses),
    C(ansible_all_ipv6_addresses) without link-local ones): gather the network facts of every host first."
  - >-
    C(site.yml) records on every balancer and backend, once that host's part of the run has succeeded, the setup it
    deployed (RV(ansible_facts.tomcat_ha_topology.record)) in C(/etc/ansible/facts.d/tomcat_ha.fact), the local fact
    C(tomcat_ha). With O(deployed), as C(verify.yml) runs it, the balancer, the strategy, O(tls) and
    O(served_by_header) come from that record, so that a verification judges what is deployed even where the inventory
    says otherwise (after C(site.yml -e tomcat_ha_balancer=httpd -e tomcat_ha_strategy=sticky), say): the setup it
    judges, and how it reads the balancer's answers (HTTPS or HTTP, the header that names the backend). The
    per-backend settings (routes, ports, addresses) are the inventory's, through which it reaches the hosts anyway.
    Without a record on any host (an older C(site.yml) that did not write one, or none run yet) they come from the
    inventory, as without O(deployed).
  - >-
    With O(deployed) it also refuses, in one sentence each: balancers and backends that do not all hold the same
    record (a run of C(site.yml) that stopped half way; the sentence names each host and what it holds, and the fix
    is to run C(site.yml) again), and a value given with C(-e) (or to the task) that differs from the record (the
    fix: run C(site.yml) with that value first, or drop the C(-e)). A value that only the inventory sets is not
    checked: the record outranks it.
author:
  - sessionlab maintainers (@sessionlab)
extends_documentation_fragment:
  - sessionlab.tomcat_ha.controller_action
options:
  strategies:
    description:
      - The strategy table, C(tomcat_ha_strategies) of C(playbooks/vars/strategies.yml). Every strategy has exactly
        the keys C(description), C(cluster), C(nginx_balancer_method), C(httpd_balancer_sticky) and
        C(haproxy_balancer_sticky); a balancer's key is null where the strategy is not offered on it.
    type: dict
    required: true
  deployed:
    description:
      - >-
        Take the balancer, the strategy, O(tls) and O(served_by_header) from the record C(site.yml) left on every
        balancer and backend (the local fact C(tomcat_ha); gather the C(local) facts of those hosts first), or from
        the inventory where no host holds one. C(verify.yml) sets it; C(site.yml) does not.
    type: bool
    default: false
  balancer:
    description: The balancer that serves (C(tomcat_ha_balancer)).
    type: str
    choices: [nginx, httpd, haproxy]
    default: nginx
  strategy:
    description: The strategy, a key of O(strategies) (C(tomcat_ha_strategy)).
    type: str
    default: none
  backends_group:
    description:
      - The inventory group of the Tomcat hosts (C(tomcat_ha_backends_group)); the balancers are the group C(balancers).
    type: str
    default: backends
  route_prefix:
    description: Prefix of the computed jvmRoutes, C(<prefix>1), C(<prefix>2), ... (C(tomcat_ha_route_prefix)).
    type: str
    default: tomcat
  http_port:
    description: HTTP port of a backend without C(tomcat_http_port) (C(tomcat_ha_http_port)).
    type: int
    default: 8080
  cluster_port:
    description: Receiver port of a backend without C(tomcat_cluster_receiver_port) (C(tomcat_ha_cluster_port)).
    type: int
    default: 4000
  tls:
    description: TLS on the balancer (C(tomcat_ha_tls)); nginx and httpd offer it.
    type: bool
    default: false
  tls_redirect:
    description:
      - With TLS, plain HTTP only redirects to HTTPS (C(tomcat_ha_tls_redirect)); the session cookies are then marked
        Secure.
    type: bool
    default: true
  tls_certificate:
    description:
      - Path of the balancer's certificate on the balancer, handed to the balancer role (C(tomcat_ha_tls_certificate)).
    type: str
    default: ""
  tls_certificate_key:
    description: Path of its key on the balancer (C(tomcat_ha_tls_certificate_key)).
    type: str
    default: ""
  tls_hsts_max_age:
    description: Strict-Transport-Security max-age in seconds (C(tomcat_ha_tls_hsts_max_age)).
    type: int
    default: 0
  served_by_header:
    description:
      - The response header the chosen balancer names the serving backend in (C(tomcat_ha_served_by_header)); V("")
        for none. The verifier reads it, so that it knows the backend without the page saying so (under round robin
        with a cluster, the session ID's route names the node that created the session, not the one that served
        the request).
    type: str
    default: X-Served-By
  firewall:
    description:
      - The backends' firewall is on (C(tomcat_firewall_enabled)); it needs the addresses of every balancer and backend.
    type: bool
    default: true
  apps:
    description:
      - >-
        The operator's applications (C(tomcat_ha_apps)), as M(sessionlab.tomcat_ha.app_plan) takes them; checked here
        as data, completed, and handed to the
        R(tomcat_apps role,ansible_collections.sessionlab.tomcat_ha.tomcat_apps_role), which reads their WARs.
    type: list
    elements: raw
    default: []
  test_page:
    description:
      - The collection's test page serves the site's root (C(tomcat_ha_test_page)). V(false) frees C(/) for an
        application; HAProxy's and httpd's health checks then need a page of the application
        (C(haproxy_balancer_check_path), C(httpd_balancer_health_check_path)).
    type: bool
    default: true
  store_group:
    description:
      - >-
        The inventory group of the session store's database host (C(tomcat_ha_store_group)); a strategy with the store
        (C(store) in the table) needs exactly one host in it, which the
        R(session_store role,ansible_collections.sessionlab.tomcat_ha.session_store_role) builds.
    type: str
    default: session_stores
seealso:
  - module: sessionlab.tomcat_ha.checks
"""

EXAMPLES = r"""
- name: Compute the setup from the inventory
  sessionlab.tomcat_ha.topology:
    strategies: "{{ tomcat_ha_strategies }}"
    balancer: "{{ tomcat_ha_balancer | default(omit) }}"
    strategy: "{{ tomcat_ha_strategy | default(omit) }}"
  run_once: true

- name: Compute the setup site.yml deployed, from its record on the hosts (the inventory's without one)
  sessionlab.tomcat_ha.topology:
    strategies: "{{ tomcat_ha_strategies }}"
    deployed: true
  run_once: true

- name: Give Tomcat its route and the cluster's members
  ansible.builtin.include_role:
    name: sessionlab.tomcat_ha.tomcat
  vars:
    tomcat_jvm_route: "{{ tomcat_ha_topology.hosts[inventory_hostname].route }}"
    tomcat_cluster_enabled: "{{ tomcat_ha_topology.cluster }}"
    tomcat_cluster_members: "{{ tomcat_ha_topology.cluster_members }}"
"""

RETURN = r"""
ansible_facts:
  description: The fact C(tomcat_ha_topology).
  returned: success
  type: dict
  contains:
    tomcat_ha_topology:
      description: The setup.
      returned: success
      type: dict
      contains:
        balancer:
          description: The balancer that serves.
          returned: success
          type: str
        strategy:
          description: The strategy.
          returned: success
          type: str
        description:
          description: The strategy in one line.
          returned: success
          type: str
        cluster:
          description: Whether the backends run a Tomcat cluster.
          returned: success
          type: bool
        balancer_setting:
          description: The strategy's setting for the chosen balancer (its role's method or sticky mode).
          returned: success
          type: str
        round_robin:
          description: The chosen balancer spreads one session's requests over every backend.
          returned: success
          type: bool
        route_binder:
          description:
            - Tomcat's JvmRouteBinderValve is wanted, behind a sticky balancer (which renames a session once per
              failover).
          returned: success
          type: bool
        tls:
          description: TLS on the balancer.
          returned: success
          type: bool
        tls_redirect:
          description: Plain HTTP only redirects.
          returned: success
          type: bool
        cookie_secure:
          description: The cookies are marked Secure (TLS with the redirect).
          returned: success
          type: bool
        tls_certificate:
          description: O(tls_certificate) as given.
          returned: success
          type: str
        tls_certificate_key:
          description: O(tls_certificate_key) as given.
          returned: success
          type: str
        tls_hsts_max_age:
          description: O(tls_hsts_max_age) as given.
          returned: success
          type: int
        backends_group:
          description: O(backends_group).
          returned: success
          type: str
        backends:
          description: The backends' inventory names.
          returned: success
          type: list
          elements: str
        balancers:
          description: The balancers' inventory names.
          returned: success
          type: list
          elements: str
        routes:
          description: Backend to jvmRoute.
          returned: success
          type: dict
        balancer_members:
          description: The list of P(sessionlab.tomcat_ha.balancer_members#filter).
          returned: success
          type: list
          elements: dict
        cluster_members:
          description: The list of P(sessionlab.tomcat_ha.cluster_members#filter), [] without a cluster.
          returned: success
          type: list
          elements: dict
        balancer_addresses:
          description: Every address of the balancers (their facts).
          returned: success
          type: list
          elements: str
        backend_addresses:
          description: Every address of the backends (their facts).
          returned: success
          type: list
          elements: str
        cluster_sources:
          description:
            - The addresses the backends' firewall admits to the cluster ports (the backends' own), [] without a
              cluster.
          returned: success
          type: list
          elements: str
        hosts:
          description:
            - Per backend, C(route), C(http_port), C(http_address) (the connector's address; "" for every address
              when the balancers reach it by name), C(drop_addresses) (what a partition cuts it off from) and
              C(host_name) (Tomcat's Host; with the store the same on every backend, C(localhost) unless the inventory
              sets C(tomcat_host_name)).
          returned: success
          type: dict
        served_by_header:
          description: O(served_by_header).
          returned: success
          type: str
        backend_names:
          description:
            - Every name a balancer gives the backend that served a request (a route, C(address:port), C(http://address:port),
              each IP address of its facts with the port) mapped to its inventory name.
          returned: success
          type: dict
        apps:
          description:
            - O(apps), checked and completed, as RV(sessionlab.tomcat_ha.app_plan#module:apps) without the WARs' sums.
          returned: success
          type: list
          elements: dict
        test_page:
          description: O(test_page).
          returned: success
          type: bool
        session_classes:
          description:
            - >-
              The session attribute class patterns of every present application, once each: the tomcat role's cluster
              lets them replicate (C(tomcat_cluster_session_attribute_classes)).
          returned: success
          type: list
          elements: str
        store:
          description: Whether the strategy keeps the sessions in the session store.
          returned: success
          type: bool
        store_hosts:
          description: The database host of the store (one), or [] without the store.
          returned: success
          type: list
          elements: str
        store_host:
          description:
            - The name or address the backends reach the database at (its C(session_store_address), else its inventory
              name), "" without the store.
          returned: success
          type: str
        store_clients:
          description: The backends' own addresses, the only clients the database admits ([] without the store).
          returned: success
          type: list
          elements: str
        record:
          description:
            - >-
              What C(site.yml) records of this setup on every balancer and backend, in
              C(/etc/ansible/facts.d/tomcat_ha.fact): C(balancer), C(strategy), C(tls) and C(served_by_header).
          returned: success
          type: dict
          sample: {"balancer": "httpd", "strategy": "sticky", "tls": false, "served_by_header": "X-Served-By"}
        from_record:
          description: With O(deployed), whether the hosts held a record and the setup's C(record) comes from it.
          returned: success
          type: bool
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec={
            "strategies": {"type": "dict", "required": True},
            "deployed": {"type": "bool", "default": False},
            "balancer": {"type": "str", "default": "nginx", "choices": ["nginx", "httpd", "haproxy"]},
            "strategy": {"type": "str", "default": "none"},
            "backends_group": {"type": "str", "default": "backends"},
            "route_prefix": {"type": "str", "default": "tomcat"},
            "http_port": {"type": "int", "default": 8080},
            "cluster_port": {"type": "int", "default": 4000},
            "tls": {"type": "bool", "default": False},
            "tls_redirect": {"type": "bool", "default": True},
            "tls_certificate": {"type": "str", "default": ""},
            "tls_certificate_key": {"type": "str", "default": "", "no_log": False},
            "tls_hsts_max_age": {"type": "int", "default": 0},
            "firewall": {"type": "bool", "default": True},
            "served_by_header": {"type": "str", "default": "X-Served-By"},
            "apps": {"type": "list", "elements": "raw", "default": []},
            "test_page": {"type": "bool", "default": True},
            "store_group": {"type": "str", "default": "session_stores"},
        },
        supports_check_mode=True,
    )
    module.fail_json(msg="topology runs on the controller, as an action: call it as sessionlab.tomcat_ha.topology.")


if __name__ == "__main__":
    main()
