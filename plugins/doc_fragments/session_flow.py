# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # What the modules that walk a user through an application share: the flow, and how to name the backend.
    DOCUMENTATION = r"""
options:
  flow:
    description:
      - >-
        The steps a user takes through any application, in order; empty (the default) for page mode, where every
        request GETs O(url) and reads the session test page. In flow mode only the scheme, host and port of O(url)
        are used, and the page's contract is not needed: the session is the O(cookie_name) cookie, the backend is
        named by O(served_by_header) or the session route, and what a user must see is said by the steps' C(state).
      - B(A step) is a mapping with these keys.
      - C(name), a label for results and messages, unique in the flow; default C(step N) (N from 1).
      - C(method), one of V(GET) (the default), V(POST), V(PUT), V(PATCH), V(DELETE) or V(HEAD).
      - >-
        C(path), required, the path on the site, starting with one C(/) and URL-encoded, with a query if wanted
        (V(/cart?view=full)).
      - C(query), a mapping of names to values added to the path's query.
      - C(form), a mapping of names to values sent as C(application/x-www-form-urlencoded).
      - C(json), any JSON value, sent as C(application/json). Not with C(form); neither on V(GET) or V(HEAD).
      - C(headers), a mapping of request headers for this step, over the module's O(headers).
      - >-
        C(status), the HTTP status (100 to 599), or a list of them, that the answer must have; default V(200).
        Any other status is a failed request. Redirects are never followed in flow mode: a login that answers
        V(303) says C(status: 303), and the cookies of every answer are kept.
      - >-
        C(once), V(true) for a step that runs only at the start of a user's session, such as a login; default
        V(false). The once steps come first; the other steps then repeat in order for as long as the run lasts.
        A once step that fails starts the login again from the first step.
      - >-
        C(state), an assertion about a value the answer shows: C(key), the name the value is kept under; one of
        C(regex), a pattern whose first group (or whole match) is the value, and C(json), an RFC 6901 JSON pointer
        (V(/cart/items)) into a JSON answer; and C(expect), V(persist) (the value must equal the last value this
        user saw for that key) or V(grow) (greater than the last; with C(by), a positive whole number, exactly the
        last plus C(by)). Several steps may name the same key, such as an add step that grows C(items) by 1 and a
        view step where C(items) must persist. Values compare as whole numbers when both are, else as text; a key
        that a step expects to grow must be a whole number on every step that reads it. An answer without the
        value is a failed request.
      - >-
        The text V({user}) in C(path), C(query) and C(form) values and the text values of C(json) is replaced by
        the user's number (from 0), so that every user logs in with a name of its own.
      - >-
        B(Sessions.) The session is the O(cookie_name) cookie's value up to the first C(.). Logging in may change
        it (applications do, against session fixation), so it is not judged on the once steps: the user's session
        is the one the cookie names after its last once step. On a step that repeats, an answer (successful or
        not) whose cookie names another session is a lost session: the user forgets every state value and starts
        again at the first step, its login included. An application that answers a lost session without setting a
        new cookie shows up as failed requests (a C(status) it did not expect), not as a lost session.
      - >-
        B(State.) The first value of a key in a session is taken as it is. Later, a value that went back or stood
        still where it had to grow, or changed where it had to persist, is a lost update (an acknowledged update
        is gone); a value above the expected one (more than C(by) more, or more than the persisted one) is an
        update that was applied without an answer (a request whose response never arrived, or a retry).
    type: list
    elements: dict
    default: []
  served_by_header:
    description:
      - >-
        Flow mode: a response header that names the backend that served the request, which the balancer adds
        (nginx C(add_header X-Upstream $upstream_addr always), httpd C(Header set X-Backend
        "%{BALANCER_WORKER_NAME}e"), HAProxy C(http-response set-header X-Server %[srv_name])). nginx lists every
        upstream it tried, comma-separated: the last one is taken.
      - >-
        A result's C(server) is the O(backend_names) name of the header's value (or of its C(address:port), so that
        httpd's worker URL maps too), else the header's value; without the header, the O(backend_names) name of the
        session route; else V(null). The header comes first because behind round robin with a cluster the route
        names the node that created the session, not the one that served the request.
      - Page mode does not use it; the page names the backend itself.
    type: str
  backend_names:
    description:
      - >-
        Flow mode: maps a O(served_by_header) value, an C(address:port) or a session route (the text after the
        first C(.) of the session ID) to a backend's name, for the results' C(server).
    type: dict
    default: {}
notes:
  - >-
    The steps are module arguments: Ansible shows them, a login's password included, in the task's invocation at
    C(-v) and in registered results. Use an account made for the test, or set C(no_log) on the task.
"""
