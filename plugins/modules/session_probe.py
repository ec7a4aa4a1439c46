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
version_added: 0.1.0
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
author:
  - sessionlab maintainers (@sessionlab)
extends_documentation_fragment:
  - sessionlab.tomcat_ha.session_page
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
  fail_on_all_errors:
    description:
      - Fail the module when every request failed. Otherwise failures are only reported in the samples.
    type: bool
    default: false
notes:
  - Redirects (301, 302, 303, 307, 308) are followed, at most 5 per request, so that cookies set on the way are kept.
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
      description: Host name the backend printed (C(server-name)).
      returned: always
      type: str
      sample: backend1.qyh.com
    addr:
      description: Address and port the backend printed (C(server-addr)).
      returned: always
      type: str
      sample: 172.18.0.3:8080
    session_id:
      description: Session ID shown by the page (or the session cookie when the page shows none).
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
      description: Session counter shown by the page.
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
      description: Number of distinct session bases.
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
      description: Number of successful samples whose session base differs from the previous successful sample.
      returned: always
      type: int
      sample: 0
    counter_continued:
      description:
        - V(true) when there is at least one successful sample, every successful sample's count is the previous
          successful sample's count + 1 (failed samples in between are ignored), and the first count is 1 when
          the run started without O(cookies) (any count is accepted when cookies were given).
      returned: always
      type: bool
      sample: true
    counter_resets:
      description:
        - Number of successful samples whose count is not greater than the previous successful count
          (a new session, or a node that answered with an older copy of the session).
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
      description: Session base of the first successful sample, V(null) when none succeeded.
      returned: always
      type: str
      sample: 4F3A9C1D2E7B6A5F4F3A9C1D2E7B6AB2
    last_session:
      description: Session base of the last successful sample, V(null) when none succeeded.
      returned: always
      type: str
      sample: 4F3A9C1D2E7B6A5F4F3A9C1D2E7B6AB2
    last_count:
      description: Counter of the last successful sample, V(null) when none succeeded.
      returned: always
      type: int
      sample: 10
cookies:
  description: The cookie jar after the run, name to value; pass it as O(cookies) to continue the session.
  returned: always
  type: dict
  sample: {JSESSIONID: 4F3A9C1D2E7B6A5F4F3A9C1D2E7B6AB2.tomcat1}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_page import PAGE_ARGUMENT_SPEC, page_options
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_probe import (
    ProbeParameterError,
    run_probe,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            **PAGE_ARGUMENT_SPEC,
            url=dict(type="str", required=True),
            count=dict(type="int", default=10),
            interval=dict(type="float", default=0),
            timeout=dict(type="float", default=5),
            cookies=dict(type="dict", default={}),
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
            **page_options(params),
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
