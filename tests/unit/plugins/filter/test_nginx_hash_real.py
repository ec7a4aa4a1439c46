# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""nginx_hash against the real nginx: every prediction must equal the backend nginx chose.

The backends are nginx server blocks on 127.0.0.1 that answer with their own name; the front server proxies
/<layout> to an upstream with "hash $http_x_key consistent" (the key travels in an X-Key header), and /session
to an upstream hashed on the session ID base that a map extracts from the JSESSIONID cookie, as the collection
renders it. All traffic stays on loopback; every loop is bounded.
"""

from __future__ import annotations

import http.client
import random
import zlib
from bisect import bisect_left
from itertools import product

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.nginx_hash import chash_points, nginx_hash
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.session_id import session_id_base

from lab.loopback import Nginx, free_port

# Every test here runs nginx: make unit-nginx.
pytestmark = pytest.mark.nginx

KEYS_PER_LAYOUT = 500
SESSION_BASES = 500
BACKENDS = ("b1", "b2", "b3", "b4")
# Layout (upstream and location name) -> servers as (backend, weight, down), in configuration order.
LAYOUTS = {
    "two": [("b1", 1, False), ("b2", 1, False)],
    "weights": [("b1", 3, False), ("b2", 1, False), ("b3", 2, False)],
    "down": [("b1", 1, False), ("b2", 1, False), ("b3", 1, True), ("b4", 1, False)],
}
SESSION_LAYOUT = [("b1", 1, False), ("b2", 2, False), ("b3", 1, False)]
# b2 owns 99% of the ring but is down: most keys need many tries, many give up after 21 points.
FALLBACK_LAYOUT = [("b1", 1, False), ("b2", 200, True), ("b3", 1, False)]
SINGLE_LAYOUT = [("b4", 1, False)]
# Keys that are not Tomcat session IDs (no leading/trailing blanks: nginx strips them from header values).
ODD_KEYS = [
    "a",
    "0",
    "-",
    "x" * 300,
    "a b c",
    "tab\there",
    "sessión-ü-€",
    "!#$%&'*+-.^_`|~",
    "%41%42",
    '"quoted"',
    "abc+/=",
    "0" * 32,
    "F" * 32,
    "ABCDEF0123456789ABCDEF0123456789.tomcat1",
    "4f3a9c0d7b2e41a8995c6d1e2f3a4b5c",
]
SESSION_MAP = 'map $cookie_JSESSIONID $sessionlab_session_base { "~^(?<base>[^.]+)" $base; default ""; }'


def _session_ids(count, seed):
    rng = random.Random(seed)
    return [f"{rng.getrandbits(128):032X}" for _key in range(count)]


def _filter_servers(layout, ports):
    """The layout as nginx_hash takes it: the server text exactly as the config below writes it."""
    return [{"name": f"127.0.0.1:{ports[b]}", "weight": w, "down": d} for b, w, d in layout]


def _members(layout, ports):
    """The layout as balancer_members returns it: the filter hashes address:port and answers with host."""
    return [
        {"host": b, "address": "127.0.0.1", "port": ports[b], "route": f"tomcat{i}", "weight": w, "down": d}
        | {"backup": False}
        for i, (b, w, d) in enumerate(layout, start=1)
    ]


def _server_lines(texts_and_layout):
    lines = []
    for text, (_backend, weight, down) in texts_and_layout:
        lines.append(f"server {text}" + (f" weight={weight}" if weight != 1 else "") + (" down" if down else "") + ";")
    return " ".join(lines)


def _upstream(name, key, layout, ports, texts=None):
    texts = texts or [f"127.0.0.1:{ports[b]}" for b, _w, _d in layout]
    return f"  upstream {name} {{ hash {key} consistent; {_server_lines(zip(texts, layout, strict=True))} }}"


def _text_variants(port, zeros):
    """Other ways to write 127.0.0.1:port that nginx accepts (leading zeros), in a fixed order."""
    for a, b, c, d, e in product(range(zeros), repeat=5):
        yield f"{'0' * a}127.{'0' * b}0.{'0' * c}0.{'0' * d}1:{'0' * e}{port}"


def _colliding_texts(port_a, port_b):
    """Texts for two servers such that one point of the first equals one point of the second."""
    seen = {}
    for text in _text_variants(port_a, 4):  # 1024 texts, 163840 points
        hashes, _owners = chash_points(((text.encode(), 1),))
        for value in hashes:
            seen.setdefault(value, text)
    for text in _text_variants(port_b, 5):  # each text collides with probability ~0.6%; 3125 texts
        hashes, _owners = chash_points(((text.encode(), 1),))
        common = set(hashes) & seen.keys()
        if common:
            value = min(common)
            return seen[value], text, value
    raise AssertionError("no colliding server texts found")  # probability ~e^-19


def _keys_on_point(texts, value, count):
    """Keys whose first point >= crc32(key) is the point with hash value, spread over the arc that ends there."""
    hashes, _owners = chash_points(tuple((text.encode(), 1) for text in texts))
    position = hashes.index(value)
    low = hashes[position - 1] + 1 if position else 0
    targets = sorted({low + (value - low) * i // (count - 1) for i in range(count)})
    return [_key_with_crc32(target, prefix="TIE-") for target in targets]


def _key_with_crc32(target, prefix="EXACT-", length=64):
    """A key prefix + 64 letters A/B whose CRC32 is target: CRC32 is affine over GF(2) for a fixed length."""
    base = bytearray(prefix.encode() + b"A" * length)
    base_crc = zlib.crc32(base)
    basis = []  # (crc difference, positions flipped to B as a bit mask), distinct highest bits, descending
    for i in range(length):
        flipped = bytearray(base)
        flipped[len(prefix) + i] = ord("B")
        vector, mask = zlib.crc32(flipped) ^ base_crc, 1 << i
        for b_vector, b_mask in basis:
            if vector ^ b_vector < vector:
                vector, mask = vector ^ b_vector, mask ^ b_mask
        if vector:
            basis = sorted([*basis, (vector, mask)], reverse=True)
    want, mask = target ^ base_crc, 0
    for b_vector, b_mask in basis:
        if want ^ b_vector < want:
            want, mask = want ^ b_vector, mask ^ b_mask
    assert want == 0, "the 64 A/B positions do not span all CRC32 values"
    key = prefix + "".join("B" if mask >> i & 1 else "A" for i in range(length))
    assert zlib.crc32(key.encode()) == target
    return key


@pytest.fixture(scope="module")
def nginx(nginx_binary):
    ports = {name: free_port() for name in BACKENDS}
    front = free_port()
    tie_a, tie_b, tie_value = _colliding_texts(ports["b1"], ports["b2"])
    tie_layout = [("b1", 1, False), ("b2", 1, False)]
    blocks = [f'  server {{ listen 127.0.0.1:{port}; return 200 "{name}"; }}' for name, port in ports.items()]
    blocks.append(f"  {SESSION_MAP}")
    for name, layout in LAYOUTS.items():
        blocks.append(_upstream(name, "$http_x_key", layout, ports))
    blocks.append(_upstream("session", "$sessionlab_session_base", SESSION_LAYOUT, ports))
    blocks.append(_upstream("fallback", "$http_x_key", FALLBACK_LAYOUT, ports))
    blocks.append(_upstream("single", "$http_x_key", SINGLE_LAYOUT, ports))
    blocks.append(_upstream("tie_ab", "$http_x_key", tie_layout, ports, texts=[tie_a, tie_b]))
    blocks.append(_upstream("tie_ba", "$http_x_key", tie_layout[::-1], ports, texts=[tie_b, tie_a]))
    locations = [
        f"    location = /{name} {{ proxy_pass http://{name}; }}"
        for name in [*LAYOUTS, "session", "fallback", "single", "tie_ab", "tie_ba"]
    ]
    locations_text = "\n".join(locations)
    blocks.append(f"  server {{\n    listen 127.0.0.1:{front};\n    keepalive_requests 100000;\n{locations_text}\n  }}")
    with Nginx("\n".join(blocks), binary=nginx_binary) as server, Client(front) as client:
        server.wait(front, *ports.values())
        yield {"ports": ports, "client": client, "nginx": server, "tie": (tie_a, tie_b, tie_value)}


class Client:
    """One keep-alive HTTP/1.1 connection to the front server (reopened once if nginx closed it)."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def __enter__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        return self

    def __exit__(self, *exc_info):
        self.conn.close()

    def chosen(self, path, key=None, cookie=None):
        headers = {}
        if key is not None:
            headers["X-Key"] = key.encode("utf-8")  # raw UTF-8 bytes, as a browser would send them
        if cookie is not None:
            headers["Cookie"] = cookie
        for attempt in range(2):
            try:
                self.conn.request("GET", path, headers=headers)
                response = self.conn.getresponse()
                body = response.read().decode("utf-8")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if attempt:
                    raise
        assert response.status == 200, f"nginx answered {response.status} for {path} {key!r} {cookie!r}"
        return body.strip()


def _predicted_backend(key, layout, servers):
    result = nginx_hash(key, servers)
    return None if result["index"] is None else layout[result["index"]][0], result


@pytest.mark.parametrize("layout_name", sorted(LAYOUTS))
def test_prediction_matches_nginx(nginx, layout_name):
    layout = LAYOUTS[layout_name]
    ports = nginx["ports"]
    # The weights layout goes through the balancer_members shape, the others through plain server texts.
    servers = _members(layout, ports) if layout_name == "weights" else _filter_servers(layout, ports)
    keys = _session_ids(KEYS_PER_LAYOUT, seed=layout_name) + ODD_KEYS
    mismatches = []
    chosen = set()
    results = []
    for key in keys:
        predicted, result = _predicted_backend(key, layout, servers)
        assert result["fallback"] is None
        if layout_name == "weights":
            assert result["server"] == predicted  # a member's host
        results.append(result)
        actual = nginx["client"].chosen(f"/{layout_name}", key=key)
        chosen.add(actual)
        if predicted != actual:
            mismatches.append((key, predicted, actual))
    assert not mismatches, f"{len(mismatches)} of {len(keys)} mispredicted, e.g. {mismatches[:5]}"
    assert chosen == {b for b, _w, down in layout if not down}  # every up server was hit, the down one never
    if layout_name == "down":
        assert any(r["tries"] > 1 for r in results)  # some keys landed on the down server's points first


def test_session_cookie_base_through_map(nginx):
    """hash $sessionlab_session_base consistent: the route suffix does not matter, the base decides."""
    layout = SESSION_LAYOUT
    servers = _filter_servers(layout, nginx["ports"])
    rng = random.Random("session")
    mismatches = []
    suffix_changed_server = []
    chosen = set()
    requests = 0
    for base in _session_ids(SESSION_BASES, seed="session-bases"):
        cookies = [
            f"JSESSIONID={base}.tomcat{rng.randint(1, 3)}",
            f"JSESSIONID={base}.{rng.choice(['node-7', 'x', 'tomcat1.extra', ''])}",
            rng.choice([f"JSESSIONID={base}", f"theme=dark; JSESSIONID={base}.tomcat2; lang=en"]),
        ]
        answers = {nginx["client"].chosen("/session", cookie=cookie) for cookie in cookies}
        requests += len(cookies)
        if len(answers) != 1:
            suffix_changed_server.append((base, answers))
        cookie_value = cookies[0].split("=", 1)[1]
        predicted, _result = _predicted_backend(session_id_base(cookie_value), layout, servers)
        assert session_id_base(cookie_value) == base
        chosen |= answers
        if {predicted} != answers:
            mismatches.append((base, predicted, answers))
    assert requests == 3 * SESSION_BASES
    assert not suffix_changed_server, f"the route suffix changed the server: {suffix_changed_server[:5]}"
    assert not mismatches, f"{len(mismatches)} of {SESSION_BASES} mispredicted, e.g. {mismatches[:5]}"
    assert chosen == {"b1", "b2", "b3"}


def test_empty_key_is_round_robin(nginx):
    servers = _filter_servers(LAYOUTS["two"], nginx["ports"])
    assert nginx_hash("", servers) == {"server": None, "index": None, "tries": 0, "fallback": "round_robin", "key": ""}
    answers = [nginx["client"].chosen("/two", key="") for _request in range(6)] + [
        nginx["client"].chosen("/two") for _request in range(6)
    ]
    assert set(answers) == {"b1", "b2"}  # two equal servers alternate
    # A cookie the map cannot split (".route", no JSESSIONID) gives an empty base: round robin too.
    assert nginx_hash(session_id_base(".tomcat1"), servers)["fallback"] == "round_robin"
    answers = [nginx["client"].chosen("/session", cookie="JSESSIONID=.tomcat1") for _request in range(8)]
    answers += [nginx["client"].chosen("/session") for _request in range(8)]
    assert set(answers) == {"b1", "b2", "b3"}


def test_single_server_is_round_robin(nginx):
    servers = _filter_servers(SINGLE_LAYOUT, nginx["ports"])
    for key in _session_ids(20, seed="single") + [""]:
        result = nginx_hash(key, servers)
        assert (result["server"], result["index"], result["fallback"]) == (servers[0]["name"], 0, "round_robin")
        assert nginx["client"].chosen("/single", key=key) == "b4"


def test_fallback_after_21_points(nginx):
    """Keys whose first up point is the 21st are hashed; one point further nginx gives up for round robin."""
    layout = FALLBACK_LAYOUT
    servers = _filter_servers(layout, nginx["ports"])
    at_limit, beyond = [], []
    for key in _session_ids(30000, seed="fallback"):
        result = nginx_hash(key, servers)
        if result["fallback"] is None and result["tries"] == 21 and len(at_limit) < 15:
            at_limit.append((key, layout[result["index"]][0]))
        elif result["fallback"] == "round_robin" and len(beyond) < 15:
            assert result["tries"] == 21
            beyond.append(key)
        if len(at_limit) == len(beyond) == 15:
            break
    assert len(at_limit) == len(beyond) == 15
    for key, predicted in at_limit:
        assert [nginx["client"].chosen("/fallback", key=key) for _request in range(3)] == [predicted] * 3, key
    for key in beyond:
        # Round robin over b1 and b3 (b2 is down) alternates, whatever the key.
        answers = [nginx["client"].chosen("/fallback", key=key) for _request in range(2)]
        assert sorted(answers) == ["b1", "b3"], (key, answers)


def test_equal_points_go_to_the_first_server_and_text_matters(nginx):
    """Two server texts with one common point: nginx keeps the point of the server written first.

    The texts are 127.0.0.1:port with leading zeros (same sockets as b1 and b2); they also show that the
    hash is over the text as written, not over the address.
    """
    tie_a, tie_b, value = nginx["tie"]
    ports = nginx["ports"]
    ab = [{"name": tie_a}, {"name": tie_b}]  # b1, b2
    ba = [{"name": tie_b}, {"name": tie_a}]  # b2, b1
    tie_keys = _keys_on_point([tie_a, tie_b], value, 25)
    for key in tie_keys:
        assert nginx_hash(key, ab)["server"] == tie_a
        assert nginx_hash(key, ba)["server"] == tie_b
        assert nginx["client"].chosen("/tie_ab", key=key) == "b1", key
        assert nginx["client"].chosen("/tie_ba", key=key) == "b2", key
    canonical = _filter_servers([("b1", 1, False), ("b2", 1, False)], ports)
    mismatches = []
    differs_from_canonical = 0
    for key in _session_ids(300, seed="tie-random"):
        predicted = "b1" if nginx_hash(key, ab)["index"] == 0 else "b2"
        actual = nginx["client"].chosen("/tie_ab", key=key)
        if predicted != actual:
            mismatches.append((key, predicted, actual))
        if ["b1", "b2"][nginx_hash(key, canonical)["index"]] != actual:
            differs_from_canonical += 1
    assert not mismatches, f"{len(mismatches)} of 300 mispredicted, e.g. {mismatches[:5]}"
    assert differs_from_canonical > 0  # the same sockets written differently hash differently


@pytest.mark.parametrize("layout_name", sorted(LAYOUTS))
def test_keys_exactly_on_points_and_past_the_last(nginx, layout_name):
    """CRC32(key) equal to a point picks that point's server, one more picks the next one; past the last, the first."""
    layout = LAYOUTS[layout_name]
    servers = _filter_servers(layout, nginx["ports"])
    hashes, owners = chash_points(tuple((s["name"].encode(), s["weight"]) for s in servers))
    # Points where the owner changes: an off-by-one in "first point >= hash" would pick the wrong server.
    boundaries = [j for j in range(len(hashes) - 1) if owners[j] != owners[j + 1]][:: max(1, len(hashes) // 40)]
    targets = [value for j in boundaries for value in (hashes[j], hashes[j] + 1)]
    targets += [0, hashes[0], hashes[-1], hashes[-1] + 1, 0xFFFFFFFF]
    mismatches = []
    for target in targets:
        key = _key_with_crc32(target)
        predicted, result = _predicted_backend(key, layout, servers)
        expected_point = bisect_left(hashes, target) % len(hashes)
        if not layout[owners[expected_point]][2]:  # not down: the point's own server
            assert result["index"] == owners[expected_point], (target, result)
        actual = nginx["client"].chosen(f"/{layout_name}", key=key)
        if predicted != actual:
            mismatches.append((hex(target), key, predicted, actual))
    assert len(boundaries) >= 10
    assert not mismatches, f"{len(mismatches)} of {len(targets)} mispredicted, e.g. {mismatches[:5]}"
