#!/usr/bin/python
# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
---
module: session_load
short_description: Load a session test page with many users and check what they saw
version_added: 1.0.0
description:
  - >-
    Runs O(users) virtual users against O(url) for O(duration) seconds at a total of O(rate) requests per second,
    records every request and checks the history for failed requests, lost sessions, lost updates and stalls.
    It is the instrument for "failover under load": start it with C(async) and C(poll: 0), inject a fault
    (stop a backend, restart the balancer), then collect the result with M(ansible.builtin.async_status).
  - Every user has its own cookie jar, so its own session, and at most one request outstanding.
    The page follows the contract of the collection's session_app role (see M(sessionlab.tomcat_ha.session_probe));
    it shows the backend, the session ID and a per-session counter that goes up by one on every request.
  - B(Open loop.) The schedule does not depend on the answers. User V(u) (0-based) has its slots at
    V(t0 + u/rate + k * users/rate) (V(k = 0, 1, ...)) before V(t0 + duration), so the users are spread evenly and
    together send O(rate) requests per second. A slow answer never delays other users. Each slot moves by a
    random amount of up to O(jitter)/2 of a user's interval either way, so that the users do not reach the
    balancer in the same order every time (with a round-robin balancer, users in lockstep would each always
    land on the same backend).
  - B(Missed slots.) When a user's request is still outstanding at one of its slot times, that slot is missed
    (counted per user, RV(missed_slots)); the user sends its next request at its first slot after the response.
    Missed slots mean the achieved rate fell below O(rate) because answers were slow.
  - B(Outcomes.) Every request ends as one of V(ok) (HTTP 200 with a page that follows the contract),
    V(refused) (connection refused), V(reset) (connection reset, closed without a response, broken pipe or an
    incomplete response), V(timeout) (no complete response within O(timeout)), V(http_5xx) (HTTP 500 to 599),
    or V(other) (HTTP 4xx, a redirect, an unparseable page, DNS and TLS errors, anything else).
  - B(Checker.) Per user, in order, every V(ok) response with counter V(c) and session base V(b) is compared
    with the counter of that user's previous V(ok) response V(a) (the last acknowledged value) and its session.
    The user's first V(ok) response establishes the session (when V(c > 1) it counts as V(unacked_applied), since an
    earlier request whose response never arrived was applied). Then a different session base is a lost session
    (V(sessions_lost); the new session is followed from then on), V(c == a + 1) is as expected, V(c <= a) is a
    lost update (V(updates_lost), an acknowledged update was lost or a stale copy of the session answered) and
    V(c > a + 1) is an unacknowledged update that was applied (V(unacked_applied), a duplicate or a request
    whose response never arrived).
  - >-
    B(Flow mode.) With O(flow), every user walks through the flow's steps instead of requesting O(url): its once
    steps (its login, with V({user}) replaced by its number) first, then the other steps in order, one per slot,
    for as long as the run lasts. A request is V(ok) when its status is one the step expects and the state value
    it reads was found. The checker is the same, per user and per state key instead of one counter: each value is
    compared with the last value that user saw for that key, by the step's C(expect), and a lost session sends
    the user back to its login (see O(flow)). Page mode is the flow of one step whose counter grows by 1.
  - B(Stalls.) Per user, a stall opens at the start of the first request that did not succeed quickly (its
    outcome is not V(ok), or it took more than O(fast_ms)) and closes when the next V(ok) response completes
    (that same request when it was V(ok) but slow). A stall that never closes runs until the end of the history.
    RV(summary.longest_stall_s) is the longest stall of any user, how long users waited for a working answer.
  - The module only reads; it sends its requests in check mode too and always returns C(changed=false).
  - Bad parameters fail the module with one sentence before any request is sent. The bounds keep every run
    finite, at most 500 users, 2000 requests per second, 100 requests per second per user, 3600 s and 200000
    requests, and O(duration) at least O(users) / O(rate) so that every user sends a request (with once steps,
    at least their number + 1 times that, so that every user gets past its login).
author:
  - sessionlab maintainers (@sessionlab)
extends_documentation_fragment:
  - sessionlab.tomcat_ha.session_page
  - sessionlab.tomcat_ha.session_flow
options:
  url:
    description:
      - Absolute C(http://) or C(https://) URL of the test page, usually through the balancer.
    type: str
    required: true
  users:
    description:
      - Number of virtual users, each with its own session. From 1 to 500.
    type: int
    default: 20
  rate:
    description:
      - Total requests per second of all users together, above 0 and at most 2000 (at most 100 per user).
    type: float
    default: 50
  duration:
    description:
      - Seconds during which requests are started, above 0 and at most 3600. O(rate) * O(duration) must be at
        most 200000.
    type: float
    default: 30
  timeout:
    description:
      - Seconds a request may take, connecting included, before it counts as V(timeout).
      - The run ends at most O(duration) + O(timeout) + 1 seconds after it started; a request still outstanding
        then is recorded as a V(timeout).
    type: float
    default: 30
  keepalive:
    description:
      - >-
        V(false) opens a fresh connection for every request and sends C(Connection: close), so that every
        failure is the balancer's, never a stale client connection.
      - V(true) keeps one persistent connection per user and opens a new one after any error. A server that
        closes an idle connection then shows up as a V(reset).
    type: bool
    default: false
  fast_ms:
    description:
      - An V(ok) request that took longer than this many milliseconds opens a stall. Above 0.
    type: float
    default: 1000
  stop_file:
    description:
      - Path of a file on the host the load runs on, which must not exist when the run starts. Once it exists, the
        schedule ends when the file's condition holds, so that a caller can end the load once it has seen what it
        came to see; O(duration) is then an upper bound, and RV(duration) is the schedule's real length.
      - An empty file ends the schedule at once.
      - "A JSON object can ask for more: C(server) and C(requests), that many V(ok) answers of that backend (its
        name as RV(history[].server) gives it) started at C(since) (seconds since the epoch, this host's clock;
        by default when the file appeared) or later, then C(tail) seconds more. Write it whole (a rename), as the
        run reads it once, when it appears."
      - RV(stop) says whether the condition held or the run reached O(duration) first.
    type: path
  jitter:
    description:
      - How far each slot moves at random, as a fraction of a user's interval (V(users / rate)), from V(0)
        (a fixed schedule) to V(1). The moves are the same for a given user in every run.
    type: float
    default: 0.5
notes:
  - Redirects are not followed; a redirect is recorded as V(other) with its status (in flow mode, unless the
    step expects it).
  - Cookies are kept in a plain jar of name and value from the C(Set-Cookie) header of every response
    (failed ones included). C(Path) and C(Domain) are not evaluated.
  - The history has one entry per request, up to O(rate) * O(duration) entries; with C(async) the result is
    written to the async job file and read back by M(ansible.builtin.async_status), so keep big runs in check.
  - Run C(async) with a value of at least O(duration) + O(timeout) + a few seconds.
seealso:
  - module: sessionlab.tomcat_ha.session_probe
  - module: ansible.builtin.async_status
"""

EXAMPLES = r"""
- name: Start 20 users at 50 requests per second for 60 seconds, in the background
  sessionlab.tomcat_ha.session_load:
    url: http://lb.example.com/session.jsp
    users: 20
    rate: 50
    duration: 60
    timeout: 10
  async: 90
  poll: 0
  register: __load_job

- name: Stop one backend while the load runs
  ansible.builtin.command: systemctl stop tomcat
  delegate_to: backend1.example.com
  changed_when: true

- name: Collect the load run
  ansible.builtin.async_status:
    jid: "{{ __load_job.ansible_job_id }}"
  register: __load
  until: __load.finished
  retries: 60
  delay: 2

- name: No user lost a session or an update, and nobody waited more than 5 seconds
  ansible.builtin.assert:
    that:
      - __load.summary.sessions_lost == 0
      - __load.summary.updates_lost == 0
      - __load.summary.longest_stall_s <= 5
    fail_msg: "{{ __load.summary.examples[:5] }}"

- name: A short smoke run in the foreground
  sessionlab.tomcat_ha.session_load:
    url: https://lb.example.com/index.jsp
    users: 4
    rate: 20
    duration: 5
    ca_path: /etc/pki/sessionlab/ca.pem
  register: __smoke

- name: 50 shoppers, each logged in as its own user, add to their carts and view them
  sessionlab.tomcat_ha.session_load:
    url: https://shop.example.com/
    users: 50
    rate: 100
    duration: 60
    served_by_header: X-Upstream
    backend_names:
      10.0.0.11:8080: backend1.example.com
      10.0.0.12:8080: backend2.example.com
    flow:
      - name: login
        method: POST
        path: /login
        form: {user: "shopper{user}", password: "{{ shop_password }}"}
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
  async: 90
  poll: 0
  register: __shop_job
"""

RETURN = r"""
started_at:
  description:
    - The run's t0, seconds since the epoch; every RV(history[].start) is relative to it.
    - Not called C(started), which M(ansible.builtin.async_status) reserves for a job that still runs.
  returned: always
  type: float
  sample: 1795460400.123
duration:
  description: The schedule's length in seconds, O(duration) or less when O(stop_file) ended it early.
  returned: always
  type: float
  sample: 30.0
users:
  description: O(users).
  returned: always
  type: int
  sample: 20
rate:
  description: O(rate), the target rate in requests per second (RV(summary.rate) is the achieved one).
  returned: always
  type: float
  sample: 50.0
missed_slots:
  description: Missed slots per user, indexed by user.
  returned: always
  type: list
  elements: int
  sample: [0, 0, 7, 0]
stop:
  description:
    - What the stop file asked for and when it ended the schedule, V(null) without O(stop_file).
    - C(asked), when the file appeared (seconds after RV(started_at), V(null) when it never did); C(condition), what
      it held; C(served), the answers of its C(server) counted; C(met), when the condition held (V(null) when it
      never did); C(ended_by), V(condition), V(duration) (the condition never held in time) or V(stop_file) (the
      file could not be read, with C(error)).
  returned: always
  type: dict
  sample: {asked: 21.3, condition: {server: backend1, requests: 5, tail: 3}, served: 5, met: 31.9, ended_by: condition}
history:
  description: One entry per request, ordered by start.
  returned: always
  type: list
  elements: dict
  contains:
    user:
      description: The virtual user, 0-based.
      returned: always
      type: int
      sample: 3
    seq:
      description: The user's request number, 0-based.
      returned: always
      type: int
      sample: 12
    start:
      description: When the request started, seconds after RV(started_at), rounded to milliseconds.
      returned: always
      type: float
      sample: 12.347
    latency_ms:
      description: How long the request took (until the whole body arrived, or the error), milliseconds.
      returned: always
      type: float
      sample: 3.4
    lag_ms:
      description:
        - How late the request left against its slot, in milliseconds; the load generator's own delay (a busy host),
          not the backend's. V(null) for a request recorded at the end of the run.
      returned: always
      type: float
      sample: 0.4
    outcome:
      description: V(ok), V(refused), V(reset), V(timeout), V(http_5xx) or V(other).
      returned: always
      type: str
      sample: ok
    status:
      description: HTTP status, V(null) when there was no response.
      returned: always
      type: int
      sample: 200
    session:
      description:
        - Session ID up to the first dot, from the page (or the session cookie); V(null) unless V(ok).
        - Flow mode, from the session cookie after every response, V(null) without a response or a cookie.
      returned: always
      type: str
      sample: 4F3A9C1D2E7B6A5F4F3A9C1D2E7B6AB2
    route:
      description: Text after the first dot of the session ID; V(null) unless V(ok) (flow mode, without a session).
      returned: always
      type: str
      sample: tomcat1
    server:
      description:
        - Host name the backend printed; V(null) unless V(ok).
        - Flow mode, for every response, the backend that O(served_by_header) or the session route names (see
          O(served_by_header)), V(null) when neither does.
      returned: always
      type: str
      sample: backend1.qyh.com
    count:
      description: Session counter the page showed; V(null) unless V(ok), and in flow mode.
      returned: always
      type: int
      sample: 13
    new_session:
      description: This response set the session cookie to another session base than the user's jar had.
      returned: always
      type: bool
      sample: false
    error:
      description:
        - Why the request failed (for example C(HTTP 503), C(closed without response)), V(null) when V(ok).
        - Flow mode also C(HTTP 302, expected 200) and C(state items:) followed by why the value was not found.
      returned: always
      type: str
      sample: null
    step:
      description: The name of the flow step this request made.
      returned: in flow mode
      type: str
      sample: add to cart
    state:
      description: The state value this answer showed, key to value; V(null) unless V(ok) and the step reads one.
      returned: in flow mode
      type: dict
      sample: {items: 3}
summary:
  description: The checker's figures over the history (see the description for the definitions).
  returned: always
  type: dict
  contains:
    requests:
      description: Number of requests.
      returned: always
      type: int
      sample: 1500
    ok:
      description: Number of V(ok) requests.
      returned: always
      type: int
      sample: 1480
    failed:
      description: Number of requests that were not V(ok).
      returned: always
      type: int
      sample: 20
    failed_by_class:
      description: Failed requests per outcome; every key is present.
      returned: always
      type: dict
      sample: {refused: 0, reset: 12, timeout: 0, http_5xx: 8, other: 0}
    rate:
      description: Achieved rate, requests / O(duration), one decimal.
      returned: always
      type: float
      sample: 49.9
    missed_slots:
      description: Missed slots of all users together.
      returned: always
      type: int
      sample: 7
    sessions_lost:
      description:
        - V(ok) responses whose session base differed from the user's session.
        - Flow mode, responses to a step that repeats whose session cookie named another session (see O(flow)).
      returned: always
      type: int
      sample: 0
    updates_lost:
      description:
        - V(ok) responses whose counter was not above the last acknowledged one.
        - Flow mode, state values that went back, stood still where they had to grow, or changed where they had
          to persist.
      returned: always
      type: int
      sample: 0
    unacked_applied:
      description:
        - V(ok) responses whose counter skipped a value (an update applied without an answer).
        - Flow mode, state values above the expected one.
      returned: always
      type: int
      sample: 2
    sessions_unreplicated:
      description:
        - Of V(sessions_lost), those unreplicated at a failover, the price of asynchronous replication when a node
          fails just after it answered. The answer that showed the loss came from another backend than the user's
          last acknowledged answer, and the lost session was created by that last request.
      returned: always
      type: int
      sample: 0
    updates_unreplicated:
      description:
        - Of V(updates_lost), those unreplicated at a failover. The answer that showed the loss came from another
          backend than the user's last acknowledged answer, and it shows the value from before that last request
          (a counter that grows shows it grown once more), so exactly that one request was lost and nothing earlier.
      returned: always
      type: int
      sample: 1
    users_with_anomaly:
      description: Users with at least one lost session, lost update or unacknowledged update applied.
      returned: always
      type: int
      sample: 2
    examples:
      description:
        - Up to 50 anomalies in time order, each with C(user), C(seq), C(start), C(kind) (V(sessions_lost),
          V(updates_lost) or V(unacked_applied)), C(expected) and C(got) (the session bases for a lost session,
          the counters otherwise), C(server) and C(previous_server) (the backend of the user's last acknowledged
          answer before it).
        - A lost session or update also has C(unreplicated) (see RV(summary.sessions_unreplicated)).
        - Flow mode, also C(step) and C(key) (the state key, V(null) for a lost session); C(expected) of a grow
          without C(by) is a text such as C(more than 4).
      returned: always
      type: list
      elements: dict
      sample:
        - {user: 3, seq: 41, start: 20.512, kind: unacked_applied, expected: 42, got: 43, server: backend2.qyh.com,
           previous_server: backend2.qyh.com}
    longest_stall_s:
      description: The longest stall of any user, seconds with two decimals; 0 when nobody stalled.
      returned: always
      type: float
      sample: 4.21
    stalled_users:
      description: Users that had at least one stall.
      returned: always
      type: int
      sample: 9
    unrecovered_users:
      description: Users whose stall never closed (no V(ok) response after it until the end).
      returned: always
      type: int
      sample: 0
    latency_ms:
      description:
        - C(p50), C(p99) and C(max) latency in milliseconds over all requests, failed ones included
          (nearest-rank percentiles, the value at rank ceil(p/100 * n) of the sorted latencies); V(null) without
          requests.
      returned: always
      type: dict
      sample: {p50: 2.1, p99: 30.4, max: 4012.7}
    client:
      description:
        - How the load generator itself kept up, beside the figures so that a slow client is told from a slow
          backend. C(lag_ms) (C(p50), C(p99), C(max) of RV(history[].lag_ms)), C(missed_slots), C(cpu_s) (this run's
          CPU seconds) and C(cpu_share) (of all the host's CPUs), C(load_average) (the host's, at the start and the
          end), and C(behind), true when the 99th percentile of the lag exceeds C(behind_bound_ms) (a tenth of a
          user's interval, at least 100 ms).
      returned: always
      type: dict
      sample: {lag_ms: {p50: 0.3, p99: 2.1, max: 9.8}, missed_slots: 0, cpu_s: 3.1, cpu_share: 0.04,
               load_average: [0.8, 1.1], behind: false, behind_bound_ms: 100.0}
    steps:
      description:
        - Per flow step, by name in the flow's order, its C(requests), C(failed) requests, and the anomalies found
          on it (C(sessions_lost), C(updates_lost), C(unacked_applied)).
      returned: in flow mode
      type: dict
      sample:
        login: {requests: 50, failed: 0, sessions_lost: 0, updates_lost: 0, unacked_applied: 0}
        add to cart: {requests: 2975, failed: 3, sessions_lost: 0, updates_lost: 0, unacked_applied: 1}
        view cart: {requests: 2975, failed: 0, sessions_lost: 0, updates_lost: 2, unacked_applied: 0}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_flow import FLOW_ARGUMENT_SPEC, flow_options
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_load import (
    LoadParameterError,
    run_load,
)
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_page import PAGE_ARGUMENT_SPEC, page_options


def main():
    module = AnsibleModule(
        argument_spec=dict(
            **PAGE_ARGUMENT_SPEC,
            **FLOW_ARGUMENT_SPEC,
            url=dict(type="str", required=True),
            users=dict(type="int", default=20),
            rate=dict(type="float", default=50),
            duration=dict(type="float", default=30),
            timeout=dict(type="float", default=30),
            keepalive=dict(type="bool", default=False),
            fast_ms=dict(type="float", default=1000),
            jitter=dict(type="float", default=0.5),
            stop_file=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        result = run_load(
            params["url"],
            users=params["users"],
            rate=params["rate"],
            duration=params["duration"],
            timeout=params["timeout"],
            keepalive=params["keepalive"],
            fast_ms=params["fast_ms"],
            jitter=params["jitter"],
            stop_file=params["stop_file"],
            **page_options(params),
            **flow_options(params),
        )
    except LoadParameterError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
