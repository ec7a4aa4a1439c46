# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.nginx_hash import (
    FilterModule,
    chash_host_port,
    chash_points,
    nginx_hash,
)


def _ngx_crc32_table():
    table = []
    for n in range(256):
        c = n
        for _attempt in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return table


NGX_CRC32_TABLE256 = _ngx_crc32_table()


def ngx_crc32_update(crc, data):
    """src/core/ngx_crc32.h ngx_crc32_update: no final XOR, the caller does ngx_crc32_init/ngx_crc32_final."""
    for byte in data:
        crc = NGX_CRC32_TABLE256[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def reference_points(name, weight):
    """ngx_http_upstream_init_chash for one server, written the way the C code reads (init/update/final)."""
    host, port = chash_host_port(name)
    base = ngx_crc32_update(0xFFFFFFFF, host)  # ngx_crc32_init(base_hash); update host
    base = ngx_crc32_update(base, b"\0")
    base = ngx_crc32_update(base, port)
    prev = b"\0\0\0\0"
    points = []
    for _point in range(weight * 160):
        value = ngx_crc32_update(base, prev) ^ 0xFFFFFFFF  # ngx_crc32_final
        points.append(value)
        prev = bytes([value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF, value >> 24])  # little endian
    return points


def test_ngx_crc32_is_the_usual_crc32():
    assert NGX_CRC32_TABLE256[:4] == [0x00000000, 0x77073096, 0xEE0E612C, 0x990951BA]  # as in ngx_crc32.c
    assert ngx_crc32_update(0xFFFFFFFF, b"123456789") ^ 0xFFFFFFFF == 0xCBF43926 == zlib.crc32(b"123456789")
    for data in (b"", b"a", b"127.0.0.1\x008080", "sessión".encode()):
        assert ngx_crc32_update(0xFFFFFFFF, data) ^ 0xFFFFFFFF == zlib.crc32(data)


@pytest.mark.parametrize(
    ("name", "host", "port"),
    [
        ("10.0.0.5:8080", "10.0.0.5", "8080"),
        ("backend1.example.com:8080", "backend1.example.com", "8080"),
        ("backend1", "backend1", ""),  # no port: nginx hashes the name, NUL, nothing
        ("8080", "8080", ""),
        ("[::1]:8080", "[::1]", "8080"),
        ("[::1]", "[::1]", ""),
        ("a:b:80", "a:b", "80"),  # the last ':' followed by digits only
        ("host:8a", "host:8a", ""),
        ("host:", "host", ""),
        ("10.0.0.5:08080", "10.0.0.5", "08080"),  # as written, not normalised
        ("unix:/run/tomcat.sock", "/run/tomcat.sock", ""),  # "unix:" dropped, no port
        ("UNIX:/tmp/x:80", "/tmp/x:80", ""),  # case-insensitive, and no port split after it
    ],
)
def test_host_port_split(name, host, port):
    assert chash_host_port(name.encode()) == (host.encode(), port.encode())


@pytest.mark.parametrize(("name", "weight"), [("127.0.0.1:8080", 1), ("backend2:8080", 3), ("backend3", 2)])
def test_points_match_the_c_code(name, weight):
    hashes, owners = chash_points(((name.encode(), weight),))
    assert list(hashes) == sorted(set(reference_points(name.encode(), weight)))
    assert len(hashes) == 160 * weight  # no collision among these
    assert set(owners) == {0}


def test_first_points_by_hand():
    # crc32("127.0.0.1" NUL "8080" + 4 zero bytes), then continued with the previous point, little endian
    hashes, _owners = chash_points(((b"127.0.0.1:8080", 1),))
    first = zlib.crc32(b"127.0.0.1\x008080\x00\x00\x00\x00")
    second = zlib.crc32(b"127.0.0.1\x008080" + first.to_bytes(4, "little"))
    assert first in hashes and second in hashes
    assert zlib.crc32(b"127.0.0.1\x008080" + first.to_bytes(4, "big")) not in hashes


def test_equal_points_are_kept_once_for_the_first_server():
    # Two server lines with the same text (nginx allows it) produce the same points: one copy, the first owner.
    hashes, owners = chash_points(((b"a:1", 1), (b"a:1", 2)))
    assert len(hashes) == 320  # the first 160 points of a weight-2 chain are the weight-1 chain
    assert owners.count(0) == 160 and owners.count(1) == 160


# Observed from nginx 1.22.1: upstream two { hash $http_x_key consistent; server 127.0.0.1:18080;
# server 127.0.0.1:18081; } and upstream w { ... server 127.0.0.1:18080 weight=3; server 127.0.0.1:18081 down;
# server 127.0.0.1:18082 weight=2; } -> (index chosen in two, index chosen in w, points examined in w)
TWO = ["127.0.0.1:18080", "127.0.0.1:18081"]
W = [
    {"name": "127.0.0.1:18080", "weight": 3},
    {"name": "127.0.0.1:18081", "down": True},
    {"name": "127.0.0.1:18082", "weight": 2},
]
OBSERVED = {
    "ABC": (1, 2, 1),
    "4F3A9C0D7B2E41A8995C6D1E2F3A4B5C": (0, 0, 1),
    "0123456789ABCDEF0123456789ABCDEF": (1, 0, 1),
    "DEADBEEFDEADBEEFDEADBEEFDEADBEEF": (1, 2, 1),
    "a": (0, 0, 1),
    "sessión": (0, 0, 1),
    "x" * 64: (0, 0, 1),
    "session-7": (1, 0, 2),
    "session-44": (1, 2, 2),
    "session-46": (1, 2, 3),
}


@pytest.mark.parametrize("key", sorted(OBSERVED))
def test_values_observed_from_nginx(key):
    in_two, in_w, tries_w = OBSERVED[key]
    result = nginx_hash(key, TWO)
    assert result == {"server": TWO[in_two], "index": in_two, "tries": 1, "fallback": None, "key": key}
    result = nginx_hash(key, W)
    assert (result["server"], result["index"], result["tries"]) == (W[in_w]["name"], in_w, tries_w)


def test_lookup_wraps_past_the_last_point():
    hashes, owners = chash_points(tuple((name.encode(), 1) for name in TWO))
    key = next(f"k{i}" for i in range(100_000) if zlib.crc32(f"k{i}".encode()) > hashes[-1])
    assert nginx_hash(key, TWO)["index"] == owners[0]
    exact = next(f"k{i}" for i in range(100_000) if zlib.crc32(f"k{i}".encode()) <= hashes[0])
    assert nginx_hash(exact, TWO)["index"] == owners[0]


def test_down_server_keeps_its_points_and_only_its_keys_move():
    up = ["s1:80", "s2:80", "s3:80"]
    down = ["s1:80", {"name": "s2:80", "down": True}, "s3:80"]
    moved = 0
    for i in range(2000):
        before, after = nginx_hash(f"key-{i}", up), nginx_hash(f"key-{i}", down)
        if before["index"] == 1:
            assert after["index"] in (0, 2) and after["tries"] > 1
            moved += 1
        else:
            assert after == before
    assert 400 < moved < 950


def test_weights_shape_the_distribution():
    servers = [{"name": "10.0.0.1:8080", "weight": 3}, {"name": "10.0.0.2:8080", "weight": 1}]
    picks = Counter(nginx_hash(f"{i:032X}", servers)["index"] for i in range(4000))
    assert 2.3 < picks[0] / picks[1] < 3.9


def test_server_text_matters():
    a = ["10.0.0.5:8080", "10.0.0.6:8080"]
    b = ["10.0.0.5:08080", "10.0.0.6:8080"]
    assert any(nginx_hash(f"key-{i}", a)["index"] != nginx_hash(f"key-{i}", b)["index"] for i in range(200))


def test_all_down_falls_back_after_21_points():
    result = nginx_hash("ABC", [{"name": "a:1", "down": True}, {"name": "b:1", "down": "yes"}])
    assert result == {"server": None, "index": None, "tries": 21, "fallback": "round_robin", "key": "ABC"}


def test_empty_key_uses_round_robin():
    assert nginx_hash("", ["a:1", "b:1"]) == {
        "server": None,
        "index": None,
        "tries": 0,
        "fallback": "round_robin",
        "key": "",
    }


def test_single_server_uses_round_robin():
    for key in ("ABC", ""):
        assert nginx_hash(key, ["only:8080"]) == {
            "server": "only:8080",
            "index": 0,
            "tries": 0,
            "fallback": "round_robin",
            "key": key,
        }
    assert nginx_hash("ABC", [{"name": "only:8080", "down": True}])["server"] is None


def test_filter_mapping():
    assert FilterModule().filters() == {"nginx_hash": nginx_hash}


def _member(host, port=8080, **extra):
    return {
        "host": host,
        "address": f"{host}.example.com",
        "port": port,
        "route": f"tomcat{host[-1]}",
        "weight": 1,
        "down": False,
        "backup": False,
    } | extra


def test_accepts_balancer_members_output():
    members = [_member("backend1", weight=3), _member("backend2", down=True), _member("backend3", weight=2)]
    plain = [
        {"name": "backend1.example.com:8080", "weight": 3},
        {"name": "backend2.example.com:8080", "down": True},
        {"name": "backend3.example.com:8080", "weight": 2},
    ]
    for i in range(50):
        key = f"{i:032X}"
        from_members, from_plain = nginx_hash(key, members), nginx_hash(key, plain)
        assert from_members | {"server": None} == from_plain | {"server": None}
        assert from_members["server"] == members[from_plain["index"]]["host"]


def test_member_without_host_answers_with_its_text_and_a_port_string_is_as_written():
    members = [{"address": "10.0.0.1", "port": "8080"}, {"address": "10.0.0.2", "port": 8080}]
    result = nginx_hash("ABC", members)
    assert result == nginx_hash("ABC", ["10.0.0.1:8080", "10.0.0.2:8080"])


def test_refuses_a_backup_member():
    with pytest.raises(AnsibleFilterError, match="nginx_hash: member 'backend2' is a backup"):
        nginx_hash("ABC", [_member("backend1"), _member("backend2", backup=True)])
    assert nginx_hash("ABC", [_member("backend1", backup="no"), _member("backend2")])["fallback"] is None


@pytest.mark.parametrize(
    ("key", "servers", "fragment"),
    [
        (None, ["a:1"], "key must be a string, got None"),
        (12345, ["a:1"], "key must be a string, got 12345"),
        (b"ABC", ["a:1"], "key must be a string, got b'ABC'"),
        ("k", [], "servers is empty"),
        ("k", None, "servers must be a list of names or dicts, got None"),
        ("k", "a:1", "servers must be a list"),
        ("k", {"name": "a:1"}, "servers must be a list"),
        ("k", ["a:1", "a:1"], "duplicate server name 'a:1'"),
        ("k", ["a:1", {"name": "a:1", "weight": 2}], "duplicate server name 'a:1'"),
        ("k", [{"name": "a", "weight": 0}], "weight of 'a' must be between 1 and 1000, got 0"),
        ("k", [{"name": "a", "weight": 1001}], "weight of 'a' must be between 1 and 1000, got 1001"),
        ("k", [{"name": "a", "weight": -1}], "got -1"),
        ("k", [{"name": "a", "weight": "3"}], "weight of 'a' must be an integer, got '3'"),
        ("k", [{"name": "a", "weight": True}], "weight of 'a' must be an integer, got True"),
        ("k", [{"name": "a", "weight": 1.5}], "got 1.5"),
        ("k", [{"name": "a", "down": "maybe"}], "down of 'a' must be a boolean, got 'maybe'"),
        ("k", [{"weight": 1}], "server name must be a non-empty string without spaces or ';', got None"),
        ("k", [""], "got ''"),
        ("k", ["a b:80"], "got 'a b:80'"),
        ("k", ["a:80;"], "got 'a:80;'"),
        ("k", [{"name": "a", "backup": True}], "unknown server keys ['backup']"),
        ("k", [5], "a server must be a name or a dict, got 5"),
        ("k", [{"host": "b1", "address": "10.0.0.1"}], "port of 'b1' must be an integer, got None"),
        ("k", [{"host": "b1", "address": "10.0.0.1", "port": 0}], "port of 'b1' must be between 1 and 65535, got 0"),
        ("k", [{"host": "b1", "address": "10.0.0.1", "port": " 80"}], "port of 'b1' must be an integer, got ' 80'"),
        ("k", [{"host": "b1", "port": 8080}], "address of member 'b1' must be a host name or address, got None"),
        ("k", [{"host": "b1", "address": "a b", "port": 80}], "got 'a b'"),
        ("k", [{"host": "b1", "address": "x", "port": 80, "extra": 1}], "unknown balancer member keys ['extra']"),
        ("k", [{"host": "b1", "address": "x", "port": 80, "backup": "maybe"}], "backup of 'b1' must be a boolean"),
    ],
)
def test_errors(key, servers, fragment):
    with pytest.raises(AnsibleFilterError) as err:
        nginx_hash(key, servers)
    assert str(err.value).startswith("nginx_hash: ")
    assert fragment in str(err.value)


def _index_by_hand(data):
    """The server of the first point >= crc32(data), wrapping: the lookup written out."""
    hashes, owners = chash_points(tuple((name.encode(), 1) for name in TWO))
    value = zlib.crc32(data)
    return next((owners[i] for i, point in enumerate(hashes) if point >= value), owners[0])


def test_key_is_hashed_as_utf8_and_undecodable_bytes_survive():
    assert nginx_hash("sessión-€", TWO)["index"] == _index_by_hand("sessión-€".encode())
    raw = b"id-\xff\xfe".decode("utf-8", "surrogateescape")  # how Python carries bytes that are not UTF-8
    assert nginx_hash(raw, TWO)["index"] == _index_by_hand(b"id-\xff\xfe")
    for i in range(200):
        assert nginx_hash(f"key-{i}", TWO)["index"] == _index_by_hand(f"key-{i}".encode())
    with pytest.raises(AnsibleFilterError, match=r"nginx_hash: key '\\ud800' cannot be encoded as UTF-8"):
        nginx_hash("\ud800", TWO)


def _ansible(repo_root, *args):
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_DEPRECATION_WARNINGS="0")
    env["ANSIBLE_CONFIG"] = str(repo_root / "ansible.cfg")
    return subprocess.run(
        [str(Path(sys.executable).parent / args[0]), *args[1:]],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ansible_doc_renders(repo_root):
    result = _ansible(repo_root, "ansible-doc", "-t", "filter", "--json", "sessionlab.tomcat_ha.nginx_hash")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)["sessionlab.tomcat_ha.nginx_hash"]
    assert doc["doc"]["name"] == "nginx_hash"
    assert set(doc["doc"]["options"]) == {"_input", "servers"}
    assert doc["examples"] and set(doc["return"]["_value"]["contains"]) == {
        "server",
        "index",
        "tries",
        "fallback",
        "key",
    }
    assert "ERROR" not in result.stderr and "WARNING" not in result.stderr, result.stderr


def test_filter_in_a_template(repo_root):
    expr = (
        "{{ ('4F3A9C0D7B2E41A8995C6D1E2F3A4B5C.tomcat1' | sessionlab.tomcat_ha.session_id_base"
        " | sessionlab.tomcat_ha.nginx_hash(['127.0.0.1:18080', '127.0.0.1:18081'])).server }}"
    )
    args = ["localhost", "-i", "localhost,", "-c", "local", "-m", "ansible.builtin.debug", "-a", f"msg={expr}", "-o"]
    result = _ansible(repo_root, "ansible", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"msg": "127.0.0.1:18080"' in result.stdout
