"""The lab reached over SSH as deploy with sudo: the path, and what it must not leave behind."""

from __future__ import annotations

import subprocess

import pytest

from lab.hosts import lab_hosts, lab_vars, ssh_config
from tests.lab_checks import host

HOSTS = lab_hosts()
USER = lab_vars()["lab_ssh_user"]


def recorded_keys() -> dict[str, str]:
    """Container name -> the host key the lab recorded for it (the lab's known_hosts)."""
    lines = (ssh_config().parent / "known_hosts").read_text().splitlines()
    return dict(line.split(" ", 1) for line in lines)


@pytest.fixture(params=sorted(HOSTS), scope="module")
def lab_host(request):
    return request.param, host(HOSTS[request.param])


def test_playbooks_came_over_ssh_as_the_lab_user(lab_host):
    name, h = lab_host
    log = h.check_output("journalctl -u ssh --no-pager -o cat")
    assert f"Accepted publickey for {USER}" in log, name
    assert "Accepted publickey for root" not in log, name


def test_the_checks_run_as_root_through_sudo(lab_host):
    name, h = lab_host
    assert h.check_output("id -un") == "root", name
    assert h.check_output("printenv SUDO_USER") == USER, name


def test_nothing_outside_the_lab_users_home_belongs_to_it(lab_host):
    """Every file the roles wrote belongs to root or the service's user, never to the user that logged in."""
    name, h = lab_host
    found = h.check_output(f"find / -xdev -user {USER} -not -path '/home/{USER}' -not -path '/home/{USER}/*' -print")
    assert found == "", f"{name}: {found}"


def test_services_run_as_their_own_users(backends, lb):
    for name, h in backends.items():
        assert set(h.check_output("ps -o user= -C java").split()) == {"tomcat"}, name
    balancer = lb.check_output("ps -o user= -C nginx,apache2,haproxy").split()
    assert balancer and USER not in balancer


def test_known_hosts_holds_each_hosts_own_key(lab_host):
    """The lab records each host's key (read through Docker), and SSH checks it strictly against that file."""
    name, h = lab_host
    assert recorded_keys()[HOSTS[name]] == " ".join(h.check_output("cat /etc/ssh/ssh_host_ed25519_key.pub").split()[:2])
    assert "StrictHostKeyChecking yes" in ssh_config().read_text()


def test_a_host_key_that_does_not_match_is_refused(tmp_path):
    """With another host's key recorded, the same connection is refused: checking is really on."""
    config = ssh_config()
    names = sorted(HOSTS.values())
    wrong = tmp_path / "known_hosts"
    wrong.write_text(f"{names[0]} {recorded_keys()[names[1]]}\n")
    result = subprocess.run(
        ["ssh", "-F", str(config), "-o", f"UserKnownHostsFile={wrong}", "-o", "BatchMode=yes", names[0], "true"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert "host key" in result.stderr.lower(), result.stderr
