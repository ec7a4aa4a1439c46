#!/usr/bin/python
# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
---
module: session_probe
short_description: Sample a session test page like a user refreshing a browser
version_added: 1.0.0
description:
  - Requests O(url) O(count) times with a cookie jar, the way a browser keeps its session cookie,
    and records which backend answered, the session ID and the session counter of every response.
  - The page follows the contract of the collection's session_app role, C(index.jsp) (HTML, elements found by
    id C(server-name), C(server-addr), C(session-id), C(jvm-route), C(session-count), C(server-time)) or
    C(session.jsp) (JSON with the keys C(server), C(addr), C(session_id), C(jvm_route), C(count), C(time)).
  - A failed request (connection refused, timeout, HTTP 4xx/5xx, a page that does not follow the contract)
    is recorded as a sample with RV(samples[].error) set; it does not fail the module.
  - The module only reads; it samples in check mode too and always returns C(changed=false).
  - Cookies are kept in a plain jar of name and value, from the C(Set-Cookie) header of every response
    (redirects included). C(Path) and C(Domain) are not evaluated, all cookies go back to the probed site.
    A cookie with C(Max-Age=0) or an C(Expires) date in the past is deleted.
  - >-
    B(Flow mode.) With O(flow), the probe is one user of any application: its O(count) requests go through the
    flow's steps in order, the once steps (the login) first, then the others over and over, with one cookie jar.
    When O(cookies) holds the session cookie, the session is taken as logged in and the run starts at the first
    step that is not once. Each sample names its step and the state it showed; RV(summary.counter_continued)
    says whether every state assertion held, and RV(last_state) is what to pass as O(state) to judge a later
    run (during a fault) against this one.
author:
  - sessionlab maintainers (@sessionlab)
extends_documentation_fragment:
  - sessionlab.tomcat_ha.session_page
  - sessionlab.tomcat_ha.session_flow
options:
  url:
    description:
      - Absolute C(http://) or C(https://) URL of the test page.
    type: str
    required: true
  count:
    description:
      - Number of requests, 1 to 10000.
    type: int
    default: 10
  interval:
    description:
      - Seconds to wait between two requests, 0 to 3600.
    type: float
    default: 0
  timeout:
    description:
      - Timeout of each request in seconds, greater than 0 and at most 600.
    type: float
    default: 5
  cookies:
    description:
      - Cookies to start with, name to value, to continue an earlier session (pass RV(cookies) of an earlier run).
    type: dict
    default: {}
  state:
    description:
      - >-
        The state to start from, key to value, as O(cookies) continues a session: pass RV(last_state) of an earlier
        run (with its RV(cookies)), so that the first values of this run are judged against the last ones of that
        run instead of being taken as they are.
      - Flow mode takes the keys the flow's steps read. Page mode takes only C(count), the last count seen, and
        then requires the first successful sample to show that count + 1.
    type: dict
    default: {}
  user:
    description:
      - Flow mode, the user's number, put in place of the text V({user}) in the steps.
      - >-
        When the probe runs while M(sessionlab.tomcat_ha.session_load) does and the application keeps state per
        login name rather than per session, pick a number outside the load's users
        (0 to O(sessionlab.tomcat_ha.session_load#module:users) - 1).
    type: int
    default: 0
  fail_on_all_errors:
    description:
      - Fail the module when every request failed. Otherwise failures are only reported in the samples.
    type: bool
    default: false
notes:
  - >-
    Page mode follows redirects (301, 302, 303, 307, 308), at most 5 per request, so that cookies set on the way are
    kept. Flow mode follows none; a step says which status it expects.
seealso:
  - name: Tomcat clustering how-to
    description: Session replication and the JvmRouteBinderValve.
    link: https://tomcat.apache.org/tomcat-10.1-doc/cluster-howto.html
"""

EXAMPLES = r"""
- name: Refresh the page 20 times through the balancer
  sessionlab.tomcat_ha.session_probe:
    url: http://lb.example.com/index.jsp
    count: 20
    interval: 0.5
  register: __probe_before

- name: Continue the same session after stopping a backend
  sessionlab.tomcat_ha.session_probe:
    url: http://lb.example.com/session.jsp
    count: 10
    cookies: "{{ __probe_before.cookies }}"
  register: __probe_after

- name: The session survived and its counter went on
  ansible.builtin.assert:
    that:
      - __probe_after.summary.first_session == __probe_before.summary.last_session
      - __probe_after.summary.counter_continued

- name: The shop's flow, log in once, then add to the cart and view it, over and over
  ansible.builtin.set_fact:
    shop_flow:
      - name: login
        method: POST
        path: /login
        form: {user: probe, password: "{{ shop_password }}"}
        status: 303
        once: true
      - name: add to cart
        method: POST
        path: /api/cart/items
        json: {sku: TEA-1, quantity: 1}
        state: {key: items, json: /cart/items, expect: grow, by: 1}
      - name: view cart
        path: /cart
        state: {key: items, regex: 'id="cart-items">(\d+)<', expect: persist}

- name: Walk the flow 21 times through the balancer
  sessionlab.tomcat_ha.session_probe:
    url: https://shop.example.com/
    count: 21
    flow: "{{ shop_flow }}"
    served_by_header: X-Upstream
    backend_names:
      10.0.0.11:8080: backend1.example.com
      10.0.0.12:8080: backend2.example.com
  register: __shop_before

- name: During the fault, the same user goes on with its cart
  sessionlab.tomcat_ha.session_probe:
    url: https://shop.example.com/
    count: 20
    flow: "{{ shop_flow }}"
    served_by_header: X-Upstream
    cookies: "{{ __shop_before.cookies }}"
    state: "{{ __shop_before.last_state }}"
  register: __shop_after

- name: No item was lost
  ansible.builtin.assert:
    that:
      - __shop_after.summary.first_session == __shop_before.summary.last_session
      - __shop_after.summary.counter_continued
    fail_msg: "{{ __shop_after.summary.anomalies }}"
"""

RETURN = r"""
samples:
  description: One entry per request, in order.
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: 0-based number of the request.
      returned: always
      type: int
      sample: 0
    status:
      description: HTTP status of the final response, V(null) when there was no response.
      returned: always
      type: int
      sample: 200
    server:
      description:
        - Host name the backend printed (C(server-name)).
        - Flow mode, for every response, the backend that O(served_by_header) or the session route names (see
          O(served_by_header)), V(null) when neither does.
      returned: always
      type: str
      sample: backend1.qyh.com
    addr:
      description:
        - Address and port the backend printed (C(server-addr)).
        - Flow mode, the value of O(served_by_header), V(null) without it.
      returned: always
      type: str
      sample: 172.18.0.3:8080
    session_id:
      description:
        - Session ID shown by the page (or the session cookie when the page shows none).
        - Flow mode, the session cookie after every response, V(null) when the jar has none.
      returned: always
      type: str
      sample: 4F3A9C1D2E7B6A5F4F3A9C1D2E7B6AB2.tomcat1
    session_base:
      description: Session ID up to the first dot; stays the same when only the route suffix is rewritten.
      returned: always
      type: str
      sample: 4F3A9C1D2E7B6A5F4F3A9C1D2E7B6AB2
    session_route:
      description: Text after the first dot of the session ID, empty when there is none.
      returned: always
      type: str
      sample: tomcat1
    count:
      description: Session counter shown by the page; V(null) in flow mode.
      returned: always
      type: int
      sample: 3
    elapsed_ms:
      description: Duration of the request (redirects included) in milliseconds.
      returned: always
      type: float
      sample: 3.512
    started:
      description: Start of the request, seconds since the epoch.
      returned: always
      type: float
      sample: 1795460400.123
    cookies_set:
      description: Names of the cookies this response set or deleted.
      returned: always
      type: list
      elements: str
      sample: [JSESSIONID]
    error:
      description: Why the sample failed, V(null) when it succeeded.
      returned: always
      type: str
      sample: HTTP 503
    step:
      description: The name of the flow step this request made.
      returned: in flow mode
      type: str
      sample: add to cart
    state:
      description: The state value this answer showed, key to value; V(null) when the step reads none or it failed.
      returned: in flow mode
      type: dict
      sample: {items: 3}
summary:
  description:
    - Figures over all samples. Only successful samples count, except in RV(summary.requests) and RV(summary.failed).
  returned: always
  type: dict
  contains:
    requests:
      description: Number of requests made.
      returned: always
      type: int
      sample: 10
    succeeded:
      description: Number of successful samples.
      returned: always
      type: int
      sample: 9
    failed:
      description: Number of failed samples.
      returned: always
      type: int
      sample: 1
    distinct_sessions:
      description: Number of distinct session bases (flow mode, of the steps that repeat).
      returned: always
      type: int
      sample: 1
    distinct_backends:
      description: Number of distinct backend server names.
      returned: always
      type: int
      sample: 2
    backends:
      description: Distinct backend server names in order of first appearance.
      returned: always
      type: list
      elements: str
      sample: [backend1.qyh.com, backend2.qyh.com]
    session_changes:
      description:
        - Number of successful samples whose session base differs from the previous successful sample.
        - Flow mode, the number of lost sessions (see O(flow)).
      returned: always
      type: int
      sample: 0
    counter_continued:
      description:
        - V(true) when there is at least one successful sample, every successful sample's count is the previous
          successful sample's count + 1 (failed samples in between are ignored), and the first count is 1 when
          the run started without O(cookies) (any count is accepted when cookies were given), or the C(count) of
          O(state) + 1 when it was given.
        - Flow mode, V(true) when there is at least one successful sample and every state assertion held, with
          no session lost (RV(summary.anomalies) is empty).
      returned: always
      type: bool
      sample: true
    counter_resets:
      description:
        - Number of successful samples whose count is not greater than the previous successful count
          (a new session, or a node that answered with an older copy of the session).
        - Flow mode, the number of lost updates (see O(flow)).
      returned: always
      type: int
      sample: 0
    routes:
      description: Distinct session routes in order of first appearance (V('') for IDs without a route).
      returned: always
      type: list
      elements: str
      sample: [tomcat1, tomcat2]
    first_session:
      description: Session base of the first successful sample (flow mode, of a step that repeats), V(null) when none.
      returned: always
      type: str
      sample: 4F3A9C1D2E7B6A5F4F3A9C1D2E7B6AB2
    last_session:
      description: Session base of the last successful sample (flow mode, of a step that repeats), V(null) when none.
      returned: always
      type: str
      sample: 4F3A9C1D2E7B6A5F4F3A9C1D2E7B6AB2
    last_count:
      description: Counter of the last successful sample, V(null) when none succeeded, and in flow mode.
      returned: always
      type: int
      sample: 10
    anomalies:
      description:
        - Every lost session, lost update and update applied without an answer, in order, at most 50, each with
          C(index) (the sample), C(step), C(kind) (V(sessions_lost), V(updates_lost) or V(unacked_applied)),
          C(key) (the state key, V(null) for a lost session), C(expected) and C(got) (the session bases for a lost
          session, the values otherwise).
      returned: in flow mode
      type: list
      elements: dict
      sample:
        - {index: 7, step: view cart, kind: updates_lost, key: items, expected: 3, got: 2}
cookies:
  description: The cookie jar after the run, name to value; pass it as O(cookies) to continue the session.
  returned: always
  type: dict
  sample: {JSESSIONID: 4F3A9C1D2E7B6A5F4F3A9C1D2E7B6AB2.tomcat1}
last_state:
  description:
    - The last value seen of each state key, key to value, in the session the run ended in; pass it as O(state),
      with RV(cookies), to judge a later run against this one.
    - Page mode, C(count) and the last count, or empty when no sample succeeded.
  returned: always
  type: dict
  sample: {items: 3}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_flow import FLOW_ARGUMENT_SPEC, flow_options
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_page import PAGE_ARGUMENT_SPEC, page_options
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_probe import (
    ProbeParameterError,
    run_probe,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            **PAGE_ARGUMENT_SPEC,
            **FLOW_ARGUMENT_SPEC,
            url=dict(type="str", required=True),
            count=dict(type="int", default=10),
            interval=dict(type="float", default=0),
            timeout=dict(type="float", default=5),
            cookies=dict(type="dict", default={}),
            state=dict(type="dict", default={}),
            user=dict(type="int", default=0),
            fail_on_all_errors=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        result = run_probe(
            params["url"],
            count=params["count"],
            interval=params["interval"],
            timeout=params["timeout"],
            cookies={str(k): str(v) for k, v in params["cookies"].items()},
            state=params["state"],
            user=params["user"],
            **page_options(params),
            **flow_options(params),
        )
    except ProbeParameterError as exc:
        module.fail_json(msg=str(exc))

    summary = result["summary"]
    if params["fail_on_all_errors"] and summary["succeeded"] == 0:
        errors = sorted({sample["error"] for sample in result["samples"]})
        module.fail_json(
            msg=f"All {summary['requests']} requests to {params['url']} failed: {'; '.join(errors)}.",
            changed=False,
            **result,
        )
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
