# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""nginx_balancer's route method, rendered by Ansible from the role's template and run by the real nginx.

The backends are nginx server blocks on 127.0.0.1 that answer with their own name; one member's port has
nothing listening, as a stopped Tomcat. All traffic stays on loopback; every loop is bounded.
"""

from __future__ import annotations

import http.client
import json
import sys
from contextlib import contextmanager

import pytest
from _cli import run

from lab.loopback import Nginx, free_port

# Every test here runs nginx: make unit-nginx.
pytestmark = pytest.mark.nginx

RENDER = """
- name: Render the nginx_balancer template
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Render it
      ansible.builtin.template:
        src: {src}
        dest: {dest}
        mode: "0644"
"""


def render(repo_root, tmp_path, settings):
    """The role's balancer.conf with its defaults and SETTINGS, as Ansible renders it."""
    playbook, dest = tmp_path / "render.yml", tmp_path / "balancer.conf"
    playbook.write_text(RENDER.format(src=repo_root / "roles/nginx_balancer/templates/balancer.conf.j2", dest=dest))
    command = ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook)]
    command += ["-e", f"@{repo_root / 'roles/nginx_balancer/defaults/main.yml'}", "-e", json.dumps(settings)]
    command += ["-e", json.dumps({"ansible_python_interpreter": sys.executable})]
    result = run(repo_root, command)
    assert result.returncode == 0, result.stdout + result.stderr
    return dest.read_text()


def get(port, cookie=None):
    """(status, body) of GET /session.jsp through the front server, with an optional JSESSIONID."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/session.jsp", headers={"Cookie": f"JSESSIONID={cookie}"} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


@contextmanager
def route_nginx(repo_root, tmp_path, nginx_binary, **settings):
    """The route method in front of b1 and b2 (serving) and b3 (nothing listens); yields (front port, conf)."""
    front, ports = free_port(), {name: free_port() for name in ("b1", "b2", "b3")}
    members = [
        {"host": name, "address": "127.0.0.1", "port": port, "route": f"tomcat{n}"}
        for n, (name, port) in enumerate(ports.items(), start=1)
    ]
    settings = {"nginx_balancer_method": "route", "nginx_balancer_members": members, **settings}
    conf = render(repo_root, tmp_path, settings).replace(
        "listen 80 default_server reuseport;", f"listen 127.0.0.1:{front};"
    )
    backends = "".join(
        f'server {{ listen 127.0.0.1:{port}; location / {{ return 200 "{name}"; }} }}\n'
        for name, port in ports.items()
        if name != "b3"
    )
    with Nginx(conf + backends, binary=nginx_binary) as nginx:
        nginx.wait(front, ports["b1"], ports["b2"])
        yield front, conf


@pytest.fixture(name="route_lab")
def fixture_route_lab(repo_root, tmp_path, nginx_binary):
    with route_nginx(repo_root, tmp_path, nginx_binary, nginx_balancer_keepalive=4) as lab:
        yield lab


def test_route_renders_a_map_and_an_upstream_per_route(route_lab):
    _front, conf = route_lab
    assert "map $cookie_JSESSIONID $tomcat_ha_tomcats_route_upstream {" in conf
    assert '"~[.]tomcat2$" tomcats_tomcat2;' in conf
    assert "proxy_pass http://$tomcat_ha_tomcats_route_upstream;" in conf
    # In tomcat2's upstream the other members are backups.
    block = conf.split("upstream tomcats_tomcat2 {")[1].split("}")[0]
    assert [line.strip().endswith("backup;") for line in block.splitlines() if "server " in line] == [False, True, True]


def test_a_session_stays_on_its_route(route_lab):
    front, _conf = route_lab
    assert {get(front, "0123ABCD.tomcat2") for _attempt in range(8)} == {(200, "b2")}
    assert {get(front, "0123ABCD.tomcat1") for _attempt in range(8)} == {(200, "b1")}


def test_a_request_without_a_known_route_goes_round_robin(route_lab):
    front, _conf = route_lab
    # b3 has nothing listening: nginx tries the next server, so every request is served, by b1 or b2.
    for cookie in (None, "0123ABCD", "0123ABCD.tomcat9"):
        answers = [get(front, cookie) for _attempt in range(8)]
        assert {status for status, _body in answers} == {200}, answers
        assert {body for _status, body in answers} == {"b1", "b2"}, answers


def test_a_session_of_a_dead_backend_is_served_by_a_backup(route_lab):
    front, _conf = route_lab
    answers = [get(front, "0123ABCD.tomcat3") for _attempt in range(8)]
    assert {status for status, _body in answers} == {200}, answers
    assert {body for _status, body in answers} <= {"b1", "b2"}, answers


def test_one_try_only_leaves_a_dead_backends_session_unserved(repo_root, tmp_path, nginx_binary):
    # proxy_next_upstream_tries 1: nginx does not try the backup, and answers 502 itself.
    with route_nginx(repo_root, tmp_path, nginx_binary, nginx_balancer_proxy_next_upstream_tries=1) as (front, conf):
        assert "proxy_next_upstream_tries 1;" in conf
        assert get(front, "0123ABCD.tomcat3")[0] == 502
        assert get(front, "0123ABCD.tomcat1") == (200, "b1")
