# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: nginx_hash
short_description: Predict which upstream server nginx's "hash $key consistent" picks for a key
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
positional: _input, servers
description:
  - Replays C(ngx_http_upstream_init_chash) and C(ngx_http_upstream_get_chash_peer) of nginx 1.22 (the
    C(consistent) variant of the C(hash) directive) for a key and an upstream's servers, in the order they appear
    in the C(upstream) block.
  - "Points: each server's name as written after C(server) is split at its last C(:) when only digits follow it
    (a name without such a port, or starting with C(unix:), has no port; C(unix:) itself is not hashed). Its base
    is the CRC32 of C(host), a NUL byte and C(port); it gets C(weight * 160) points, each the CRC32 of the base
    continued with the previous point as 4 little-endian bytes (0 for the first). The points of all servers,
    C(down) ones included, are sorted and equal values are kept once (the first server in configuration order wins)."
  - "Lookup: the first point >= CRC32(key), wrapping to the first point. A C(down) server means another try with
    the next point; after 20 retries (21 points) nginx falls back to round robin."
  - The prediction only holds for the same server text. This collection's nginx template writes
    C(server {{ address }}:{{ port }} ...), so C(10.0.0.5:8080), C(10.0.0.5:08080) and C(backend1:8080) are
    different rings even when they reach the same socket. A name that resolves to several addresses is one set of
    points; nginx then picks among its addresses by weighted round robin, and the filter predicts the server line.
  - nginx does not hash an empty key, and with a single server it uses round robin directly. The result then has
    RV(_value.fallback=round_robin), as after 20 retries; the server is V(null) because round robin depends on the
    balancer's state, except with a single server that is not down, which round robin always picks.
  - Servers that failed at run time (C(max_fails) within C(fail_timeout)) or reached C(max_conns) are skipped by
    nginx exactly like C(down) ones (their points stay on the ring); this filter only knows what it is given, so
    mark a server that is currently failed as C(down) to predict where its keys go meanwhile. Only the first
    attempt of a request is predicted, not the retries of C(proxy_next_upstream).
options:
  _input:
    description:
      - The key as nginx computes it, for example the session ID base, the text before the first C(.) that a
        C(map) of C($cookie_JSESSIONID) captures (see the first example); it is the value that
        P(sessionlab.tomcat_ha.session_id_base#filter) returns for the cookie.
      - Hashed as its UTF-8 bytes. nginx hashes the raw bytes of the variable, so C($arg_*) values are hashed still
        percent-encoded, and header values without their surrounding spaces.
    type: string
    required: true
  servers:
    description:
      - The upstream's servers in configuration order. Each is a name as written after C(server) (for example
        C(10.0.0.5:8080)), or a dictionary with C(name) (required), C(weight) (integer 1-1000, default 1) and
        C(down) (boolean, default false).
      - The output of the C(balancer_members) filter is accepted as it is. Its points are over
        C(address:port), as the collection's template writes the server; RV(_value.server) is its C(host) (or
        C(address:port) without a C(host)). A C(backup) member is refused, as nginx refuses C(backup) with C(hash).
    type: list
    elements: raw
    required: true
notes:
  - Errors name the filter and the bad value (a key that is not a string, no servers, a weight out of 1-1000,
    duplicate names, unknown keys such as C(backup), which nginx refuses together with C(hash)).
  - nginx has no upper limit on C(weight); the filter stops at 1000 because each unit is 160 points.
  - nginx 1.22 stops with C(balancing method does not support parameter "backup") for a C(backup) server after
    the C(hash) directive (this collection's template writes C(hash) first). A C(backup) server line written
    before C(hash) is accepted but is not on the ring.
  - With the C(map) of the first example, a cookie without a base (C(JSESSIONID=.tomcat1)) gives an empty key, like
    P(sessionlab.tomcat_ha.session_id_base#filter) does, and nginx uses round robin.
  - The first request of a session carries no cookie, so its key is empty and nginx uses round robin; the
    session is created wherever that lands, not necessarily on the server the later requests hash to.
"""

EXAMPLES = r"""
- name: Which Tomcat gets this session? nginx hashes the session ID base, without the .route suffix
  ansible.builtin.debug:
    msg: >-
      {{ ('4F3A9C0D7B2E41A8995C6D1E2F3A4B5C.tomcat1' | sessionlab.tomcat_ha.session_id_base)
         | sessionlab.tomcat_ha.nginx_hash(['172.18.0.3:8080', '172.18.0.4:8080']) }}
  # {"server": "172.18.0.3:8080", "index": 0, "tries": 1, "fallback": null, "key": "4F3A9C0D7B2E41A8995C6D1E2F3A4B5C"}
  # for:
  # map $cookie_JSESSIONID $sessionlab_session_base { "~^(?<base>[^.]+)" $base; default ""; }
  # upstream tomcats {
  #     hash $sessionlab_session_base consistent;
  #     server 172.18.0.3:8080;
  #     server 172.18.0.4:8080;
  # }

- name: With the members the nginx template renders (address:port, weight, down); the answer is a host
  ansible.builtin.debug:
    msg: >-
      {{ (session_base | sessionlab.tomcat_ha.nginx_hash(
           groups['tomcat'] | sessionlab.tomcat_ha.balancer_members(hostvars))).server }}

- name: Where do this session's requests go while tomcat2 is down (or failed)?
  ansible.builtin.debug:
    msg: >-
      {{ session_base | sessionlab.tomcat_ha.nginx_hash([
           {'name': '172.18.0.3:8080', 'weight': 2},
           {'name': '172.18.0.4:8080', 'down': true},
           {'name': '172.18.0.5:8080'}]) }}
"""

RETURN = r"""
_value:
  description: The prediction.
  type: dict
  contains:
    server:
      description:
        - Name of the chosen server (the C(host) of a C(balancer_members) entry), V(null) when nginx falls back to
          round robin (or no server is up).
      type: string
    index:
      description: 0-based position of the chosen server, V(null) with RV(_value.server).
      type: int
    tries:
      description:
        - Number of points examined (1 when the first choice is up, 21 when nginx gave up, 0 when nginx does not
          hash at all, with a single server or an empty key).
      type: int
    fallback:
      description: V(round_robin) when nginx does not use the hash, else V(null).
      type: string
    key:
      description: The key that was hashed.
      type: string
  sample: {server: 172.18.0.3:8080, index: 0, tries: 1, fallback: null, key: 4F3A9C0D7B2E41A8995C6D1E2F3A4B5C}
"""

import zlib
from bisect import bisect_left
from functools import lru_cache

from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._upstream import upstream_servers

_NAME = "nginx_hash"
POINTS_PER_WEIGHT = 160  # nginx: npoints = peer->weight * 160
MAX_TRIES = 20  # nginx: if (hp->tries > 20) return round robin
MAX_WEIGHT = 1000  # not an nginx limit: it keeps the ring small (160 points per unit)


def _crc32(data, crc=0):
    return zlib.crc32(data, crc) & 0xFFFFFFFF


def _bytes(what, text):
    """UTF-8, with the bytes Python could not decode (surrogateescape) given back as they were."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        raise AnsibleFilterError(f"{_NAME}: {what} {text!r} cannot be encoded as UTF-8", orig_exc=exc) from exc


def chash_host_port(server):
    """The (host, port) bytes nginx hashes for a server name, e.g. b'10.0.0.5:8080' -> (b'10.0.0.5', b'8080')."""
    if server[:5].lower() == b"unix:":
        return server[5:], b""
    for j in range(len(server)):
        c = server[len(server) - j - 1]
        if c == ord(":"):
            return server[: len(server) - j - 1], server[len(server) - j :]
        if not ord("0") <= c <= ord("9"):
            break
    return server, b""


@lru_cache(maxsize=16)
def chash_points(ring):
    """Sorted, deduplicated ([hash, ...], [server index, ...]) for a tuple of (name bytes, weight)."""
    points = []
    for index, (name, weight) in enumerate(ring):
        host, port = chash_host_port(name)
        base = _crc32(host + b"\0" + port)  # crc32(HOST \0 PORT PREV_HASH), continued below
        prev = 0
        for _point in range(weight * POINTS_PER_WEIGHT):
            prev = _crc32(prev.to_bytes(4, "little"), base)
            points.append((prev, index))
    # ngx_qsort is glibc's qsort, a stable merge sort: equal hashes stay in configuration order, as here.
    points.sort(key=lambda point: point[0])
    hashes, owners = [], []
    for value, index in points:
        if not hashes or hashes[-1] != value:  # nginx keeps the first of each run of equal hashes
            hashes.append(value)
            owners.append(index)
    return tuple(hashes), tuple(owners)


def _servers(servers):
    return upstream_servers(_NAME, servers, method="hash", name_from="address_port", max_weight=MAX_WEIGHT)


def nginx_hash(key, servers):
    """Predict nginx 1.22 "hash $key consistent": {server, index, tries, fallback, key}."""
    if not isinstance(key, str):
        raise AnsibleFilterError(f"{_NAME}: key must be a string, got {key!r}")
    peers = _servers(servers)

    if len(peers) == 1 or key == "":
        # nginx: if (hp->tries > 20 || hp->rrp.peers->single || hp->key.len == 0) -> round robin.
        only = peers[0] if len(peers) == 1 and not peers[0]["down"] else None
        return {
            "server": only["label"] if only else None,
            "index": 0 if only else None,
            "tries": 0,
            "fallback": "round_robin",
            "key": key,
        }

    hashes, owners = chash_points(tuple((_bytes("server name", peer["name"]), peer["weight"]) for peer in peers))
    point = bisect_left(hashes, _crc32(_bytes("key", key)))  # first point >= hash; len(hashes) wraps to 0
    for rounds in range(1, MAX_TRIES + 2):
        index = owners[point % len(hashes)]
        if not peers[index]["down"]:
            return {"server": peers[index]["label"], "index": index, "tries": rounds, "fallback": None, "key": key}
        point += 1
    return {"server": None, "index": None, "tries": MAX_TRIES + 1, "fallback": "round_robin", "key": key}


class FilterModule:
    def filters(self):
        return {"nginx_hash": nginx_hash}
