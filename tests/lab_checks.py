"""Helpers for the Molecule scenarios' testinfra tests: reach lab containers and the balancer."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import testinfra
import yaml

from tests.lab_hosts import lab_hosts

BACKENDS = lab_hosts("backends")
BALANCER = next(iter(lab_hosts("balancers")))
CLIENT = next(iter(lab_hosts("clients").values()))


def scenario_vars() -> dict:
    """The variables the running Molecule scenario gives every host (its molecule.yml group_vars all)."""
    directory = os.environ.get("MOLECULE_SCENARIO_DIRECTORY")
    if not directory:
        return {}
    config = yaml.safe_load((Path(directory) / "molecule.yml").read_text()) or {}
    return ((config.get("provisioner") or {}).get("inventory") or {}).get("group_vars", {}).get("all", {})


def routes(prefix: str | None = None) -> dict[str, str]:
    """The routes the jvm_routes filter gives the backends, in inventory order, with the scenario's prefix."""
    prefix = prefix or scenario_vars().get("tomcat_ha_route_prefix", "tomcat")
    return {name: f"{prefix}{i}" for i, name in enumerate(BACKENDS, 1)}


ROUTES = routes()


def host(container: str):
    return testinfra.get_host(f"docker://{container}")


def backend_hosts() -> dict[str, object]:
    return {name: host(container) for name, container in BACKENDS.items()}


def balancer_host():
    return host(lab_hosts("balancers")[BALANCER])


def fetch_through_balancer(requests: int, page: str = "session.jsp") -> list[dict]:
    """From the client container, request the page through the balancer with one cookie jar."""
    client = host(CLIENT)
    jar = "/tmp/testinfra-jar"
    client.run(f"rm -f {jar}")
    pages = []
    for _request in range(requests):
        out = client.check_output(f"curl -fsS -c {jar} -b {jar} http://{BALANCER}/{page}")
        pages.append(json.loads(out))
    return pages


def fetch_when_settled(requests: int, settled, within: float = 30.0) -> list[dict]:
    """fetch_through_balancer until settled(pages) holds or `within` seconds have passed; the last pages.

    The scenarios' experiment has just stopped and restored a backend: nginx leaves a failed server out
    for its fail_timeout (10 s), so right after it the balancer may still avoid the restored backend.
    """
    deadline = time.monotonic() + within
    while True:
        pages = fetch_through_balancer(requests)
        if settled(pages) or time.monotonic() > deadline:
            return pages
        time.sleep(2)
