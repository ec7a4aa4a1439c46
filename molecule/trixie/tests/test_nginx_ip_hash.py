"""nginx_ip_hash against the nginx Debian 13 ships (1.26): every prediction must equal the backend it chose.

The filter replays nginx 1.22's ip_hash (Debian 12's, checked by the unit tests). Here a throwaway nginx of the
balancer's own package runs next to the balancer, on the container's loopback only, with the unit tests' cases
(tests/unit/_ip_hash_cases.py).
"""

from __future__ import annotations

import sys

import pytest

from lab.hosts import ROOT

sys.path[:0] = [str(ROOT / "collections"), str(ROOT / "tests" / "unit")]
from _ip_hash_cases import CASES, SERVERS, client_addresses, http_blocks, locations  # noqa: E402
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.nginx_ip_hash import nginx_ip_hash  # noqa: E402

PREFIX = "/tmp/testinfra-ip-hash"
PORTS = {name: 18081 + i for i, name in enumerate(SERVERS)}
FRONT = 18080
CLIENTS_PER_CASE = 120


def config() -> str:
    return "\n".join(
        [
            f"worker_processes 1; pid {PREFIX}/nginx.pid; error_log {PREFIX}/error.log;",
            "events {}",
            f"http {{ access_log off; client_body_temp_path {PREFIX}/body; proxy_temp_path {PREFIX}/proxy;",
            *http_blocks(PORTS),
            f"  server {{\n    listen 127.0.0.1:{FRONT};\n{locations()}\n  }}",
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
    clients = client_addresses(CLIENTS_PER_CASE, seed=case)
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
