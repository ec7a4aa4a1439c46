"""nginx_ip_hash against the nginx Debian 13 ships (1.26): every prediction must equal the backend it chose.

The filter replays nginx 1.22's ip_hash (Debian 12's, checked by the unit tests). Here a throwaway nginx of the
balancer's own package runs next to the balancer, on the container's loopback only: three servers that answer
with their name, an ip_hash upstream per case, and clients 127.A.B.1 (one per /24; loopback accepts any 127/8
source).
"""

from __future__ import annotations

import random
import sys

import pytest

from tests.lab_hosts import ROOT

sys.path.insert(0, str(ROOT / "collections"))
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.nginx_ip_hash import nginx_ip_hash  # noqa: E402

PREFIX = "/tmp/testinfra-ip-hash"
PORTS = {"b1": 18081, "b2": 18082, "b3": 18083}
FRONT = 18080
CLIENTS_PER_CASE = 120
NETS = [(a, b) for a in range(1, 256) for b in range(256)]
# Upstream name -> server list as the filter takes it; weights and "down" as in the nginx configuration.
CASES = {
    "two": ["b1", "b2"],
    "weights": [{"name": "b1", "weight": 3}, {"name": "b2", "weight": 1}, {"name": "b3", "weight": 2}],
    "down": ["b1", {"name": "b2", "down": True}, "b3"],
}


def server_line(server) -> str:
    server = {"name": server} if isinstance(server, str) else server
    line = f"server 127.0.0.1:{PORTS[server['name']]}"
    if server.get("weight", 1) != 1:
        line += f" weight={server['weight']}"
    return line + (" down;" if server.get("down") else ";")


def config() -> str:
    names = [f'  server {{ listen 127.0.0.1:{port}; return 200 "{name}"; }}' for name, port in PORTS.items()]
    upstreams = [f"  upstream {case} {{ ip_hash; {' '.join(map(server_line, s))} }}" for case, s in CASES.items()]
    locations = " ".join(f"location /{case} {{ proxy_pass http://{case}; }}" for case in CASES)
    return "\n".join(
        [
            f"worker_processes 1; pid {PREFIX}/nginx.pid; error_log {PREFIX}/error.log;",
            "events {}",
            f"http {{ access_log off; client_body_temp_path {PREFIX}/body; proxy_temp_path {PREFIX}/proxy;",
            *names,
            *upstreams,
            f"  server {{ listen 127.0.0.1:{FRONT}; {locations} }}",
            "}",
        ]
    )


@pytest.fixture(scope="module")
def nginx(lb):
    lb.check_output(f"rm -rf {PREFIX} && mkdir -p {PREFIX}")
    lb.check_output(f"cat > {PREFIX}/nginx.conf <<'EOF'\n{config()}\nEOF")
    lb.check_output(f"nginx -p {PREFIX} -c {PREFIX}/nginx.conf")
    try:
        yield lb
    finally:
        lb.run(f"nginx -p {PREFIX} -c {PREFIX}/nginx.conf -s stop; sleep 1; rm -rf {PREFIX}")


def test_the_balancer_runs_nginx_1_26(lb):
    assert lb.package("nginx").version.startswith("1.26."), lb.package("nginx").version


@pytest.mark.parametrize("case", sorted(CASES))
def test_prediction_matches_the_release_nginx(nginx, case):
    rng = random.Random(case)
    clients = [f"127.{a}.{b}.1" for a, b in rng.sample(NETS, CLIENTS_PER_CASE)]
    loop = "; ".join(
        f"curl -fsS --max-time 5 --interface {client} http://127.0.0.1:{FRONT}/{case}; echo" for client in clients
    )
    chosen = nginx.check_output(loop).splitlines()
    assert len(chosen) == len(clients)
    mismatches = [
        (client, predicted, actual)
        for client, actual in zip(clients, chosen, strict=True)
        if (predicted := nginx_ip_hash(client, CASES[case])["server"]) != actual
    ]
    assert not mismatches, mismatches[:5]
    assert len(set(chosen)) > 1, "every client went to one server: the check would not see a wrong hash"
