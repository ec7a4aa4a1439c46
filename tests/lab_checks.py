"""Helpers for the Molecule scenarios' testinfra tests: reach lab containers and the balancer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import testinfra
import yaml

from lab.hosts import INVENTORY, ROOT, lab_hosts, lab_inventory, release_default, ssh_config

# The collection, importable as ansible_collections.sessionlab.tomcat_ha through the checkout's own symlink.
sys.path.insert(0, str(ROOT / "collections"))
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._setup import (  # noqa: E402
    BALANCER_SETTINGS,
    ROUND_ROBIN,
)
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._topology import build_routes  # noqa: E402

BACKENDS = lab_hosts("backends")
BALANCER = next(iter(lab_hosts("balancers")))
CLIENT = next(iter(lab_hosts("clients").values()))
# The Tomcat that the tomcat role installs by default on the lab's release (LAB_RELEASE): its package, service
# and directories.
TOMCAT = f"tomcat{release_default('tomcat')}"


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
    hostvars = {name: entry["vars"] for name, entry in lab_inventory().items()}
    return build_routes("jvm_routes", list(BACKENDS), hostvars, prefix=prefix)


ROUTES = routes()
# The CA the lab's clients trust (lab/playbooks/lab_tls.yml); scenarios with tomcat_ha_tls serve HTTPS.
LAB_CA = "/etc/ssl/sessionlab/ca.pem"
TLS = bool(scenario_vars().get("tomcat_ha_tls"))
CURL = f"curl --cacert {LAB_CA}"


def strategy() -> dict:
    """The scenario's strategy as playbooks/vars/strategies.yml gives it, with round_robin: whether its balancer
    spreads a session's requests over every backend (strategies none and cluster), as the topology action says."""
    settings = scenario_vars()
    data = yaml.safe_load((ROOT / "playbooks" / "vars" / "strategies.yml").read_text())
    entry = data["tomcat_ha_strategies"][settings.get("tomcat_ha_strategy", "none")]
    setting = entry[BALANCER_SETTINGS[settings.get("tomcat_ha_balancer", "nginx")]]
    return {**entry, "round_robin": setting in ROUND_ROBIN}


def balancer_url(path: str = "") -> str:
    """The balancer's URL for path, https:// when the scenario turns TLS on."""
    return f"{'https' if TLS else 'http'}://{BALANCER}/{path}"


def host(container: str):
    """The testinfra host of a lab container, reached as Ansible reaches it: through Docker as root, or over SSH
    as the lab's user with sudo (LAB_CONNECTION=ssh)."""
    config = ssh_config()
    if config is None:
        return testinfra.get_host(f"docker://{container}")
    return testinfra.get_host(f"ssh://{container}", ssh_config=str(config), sudo=True)


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
        out = client.check_output(f"{CURL} -fsS -c {jar} -b {jar} {balancer_url(page)}")
        pages.append(json.loads(out))
    return pages


def poll(fetch, done, within: float, pause: float):
    """fetch() until done(its result) holds or `within` seconds have passed; the last result."""
    deadline = time.monotonic() + within
    while True:
        result = fetch()
        if done(result) or time.monotonic() > deadline:
            return result
        time.sleep(pause)


def fetch_when_settled(requests: int, settled, within: float = 30.0) -> list[dict]:
    """fetch_through_balancer until settled(pages) holds or `within` seconds have passed; the last pages.

    The scenarios' experiment has just stopped and restored a backend: nginx leaves a failed server out
    for its fail_timeout (10 s), so right after it the balancer may still avoid the restored backend.
    """
    return poll(lambda: fetch_through_balancer(requests), settled, within, pause=2)


def serves(backend) -> bool:
    """Whether the backend's Tomcat answers its health page itself, on the backend (not through the balancer)."""
    return backend.run("curl -fsS --max-time 2 -o /dev/null http://127.0.0.1:8080/health.jsp").rc == 0


CONNECT = (
    "python3 -c 'import socket, sys\n"
    "try:\n"
    '    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close(); print("open")\n'
    'except ConnectionRefusedError: print("refused")\n'
    'except OSError: print("dropped")\' {} {}'
)


def connect(source, address: str, port: int) -> str:
    """From the testinfra host `source`, a TCP connection to address:port: open, refused or dropped."""
    return source.check_output(CONNECT.format(address, port))


def ansible_env() -> dict:
    """The environment for running ansible from the project root: its ansible.cfg, no colours."""
    return dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")


def run_playbook(
    extra: dict,
    playbook: str = "site.yml",
    inventory: str | os.PathLike | None = None,
    timeout: float = 900,
    options: tuple[str, ...] = (),
    leave_out: tuple[str, ...] = (),
) -> subprocess.CompletedProcess:
    """ansible-playbook PLAYBOOK against the lab (or another inventory) from the project root.

    The running scenario's variables (its molecule.yml) are passed too, but those named in `leave_out`, so that the
    run changes only what `extra` changes.
    """
    given = {name: value for name, value in scenario_vars().items() if name not in leave_out}
    return subprocess.run(
        [
            "ansible-playbook",
            "-i",
            str(inventory or INVENTORY.parent),
            playbook,
            "-e",
            json.dumps({**given, **extra}),
            *options,
        ],
        cwd=ROOT,
        env=ansible_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Load:
    """The collection's session_load module, run from the client container through the balancer in the background.

    with Load(duration=90) as load: ...change something...; then load.result is the module's result (its
    summary is the checker's: failed requests, sessions and updates lost). Leaving the block ends the schedule
    through the module's stop_file, so the load lasts as long as the change, within `duration`.
    """

    def __init__(
        self,
        duration: float = 300,
        users: int = 20,
        rate: float = 50,
        page: str = "session.jsp",
        flow: list[dict] | None = None,
    ):
        self.stop_file = f"/tmp/testinfra-load-stop-{os.getpid()}"
        self.args = {
            "url": balancer_url(page),
            "ca_path": LAB_CA,
            "users": users,
            "rate": rate,
            "duration": duration,
            "timeout": 30,
            "stop_file": self.stop_file,
        }
        if flow:
            # Flow mode: the balancer's served-by header names the backend (site.yml's default X-Served-By), HAProxy
            # by its route; without it the session route does. Both map to the backend's name.
            served_by = scenario_vars().get("tomcat_ha_served_by_header", "X-Served-By")
            names = {route: name for name, route in ROUTES.items()}
            self.args.update(flow=flow, served_by_header=served_by, backend_names=names)
        self.timeout = duration + 120
        self.result: dict = {}

    def __enter__(self) -> Load:
        client = host(CLIENT)
        client.run(f"rm -f {self.stop_file}")
        client_name = next(iter(lab_hosts("clients")))
        self.proc = subprocess.Popen(
            [
                "ansible",
                client_name,
                "-i",
                str(INVENTORY.parent),
                "-o",
                "-m",
                "sessionlab.tomcat_ha.session_load",
                "-a",
                json.dumps(self.args),
            ],
            cwd=ROOT,
            env=ansible_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # The first requests have gone out (every user has a session) before the change starts.
        time.sleep(5)
        return self

    def __exit__(self, *exc) -> None:
        time.sleep(5)
        host(CLIENT).run(f"touch {self.stop_file}")
        out, _err = self.proc.communicate(timeout=self.timeout)
        host(CLIENT).run(f"rm -f {self.stop_file}")
        if exc[0] is None:
            assert "=> " in out, out[-3000:]
            self.result = json.loads(out.split("=> ", 1)[1])
            assert self.result.get("summary"), out[-3000:]

    @property
    def summary(self) -> dict:
        return self.result["summary"]
