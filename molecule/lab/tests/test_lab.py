"""The lab substrate: every host runs systemd as PID 1 and systemd supervises a service."""

import pytest

from lab.hosts import lab_hosts

HOSTS = lab_hosts()


@pytest.fixture(params=sorted(HOSTS), ids=sorted(HOSTS))
def host(request):
    import testinfra

    return testinfra.get_host(f"docker://{HOSTS[request.param]}")


def test_systemd_is_pid_1(host):
    assert host.file("/proc/1/comm").content_string.strip() == "systemd"


def test_heartbeat_service_running_and_enabled(host):
    svc = host.service("lab-heartbeat.service")
    assert svc.is_running
    assert svc.is_enabled


def test_heartbeat_listens(host):
    assert host.socket("tcp://0.0.0.0:8099").is_listening


def test_systemd_restarts_the_service_when_killed(host):
    before = host.check_output("systemctl show -p MainPID --value lab-heartbeat.service")
    host.run_expect([0], f"kill -9 {before}")
    host.run_expect(
        [0], "for i in $(seq 50); do systemctl is-active -q lab-heartbeat.service && break; sleep 0.2; done"
    )
    after = host.check_output("systemctl show -p MainPID --value lab-heartbeat.service")
    assert after not in ("0", before)


DELEGATION = """
- name: Run on the client from each backend, as verify.yml's probe during a fault does
  hosts: backends
  gather_facts: false
  tasks:
    - name: Read the host name where the delegated task runs
      ansible.builtin.command: hostname
      delegate_to: "{{ groups['clients'][0] }}"
      register: where
      changed_when: false

    - name: Print it
      ansible.builtin.debug:
        msg: "ran-on={{ where.stdout }}"
"""


def test_a_task_delegated_to_the_client_runs_in_the_client_container(tmp_path):
    from tests.lab_checks import run_playbook

    playbook = tmp_path / "delegation.yml"
    playbook.write_text(DELEGATION)
    proc = run_playbook({}, playbook=str(playbook))
    assert proc.returncode == 0, proc.stdout[-3000:]
    client = next(iter(lab_hosts("clients")))
    ran_on = [line.split("ran-on=")[1].strip().strip('"') for line in proc.stdout.splitlines() if "ran-on=" in line]
    assert ran_on == [client, client], proc.stdout[-3000:]
