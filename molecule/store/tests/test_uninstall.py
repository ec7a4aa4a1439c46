"""playbooks/uninstall.yml on the whole lab, then site.yml again (this scenario's last tests, in this order).

Uninstall removes what site.yml built and keeps the operator's data: Debian's server.xml back in place, the session
store's database and pg_hba.conf's backup. A second run changes nothing. site.yml then installs everything again,
past an older Tomcat's service that holds port 8080 (as the previous major version's does after an upgrade).
"""

from __future__ import annotations

import re
import time

from lab.hosts import release_default
from tests.lab_checks import (
    BACKENDS,
    BALANCER,
    CLIENT,
    TOMCAT,
    connect,
    fetch_through_balancer,
    host,
    lab_hosts,
    poll,
    run_playbook,
)

DB = next(iter(lab_hosts("session_stores").values()))
LB = lab_hosts("balancers")[BALANCER]
JDK = f"openjdk-{release_default('jdk')}-jre-headless"
PSQL = "runuser -u postgres -- psql -d postgres -tAc"
# The role's own files on a backend, each gone after the uninstall.
ROLE_FILES = [
    "/etc/tomcat_ha",
    "/etc/systemd/system/tomcat-ha-firewall.service",
    f"/etc/systemd/system/{TOMCAT}.service.d",
    f"/etc/{TOMCAT}/server.xml.tomcat_ha-staged",
    f"/etc/{TOMCAT}/Catalina/localhost/context.xml.default",
    f"/etc/{TOMCAT}/Catalina/localhost/context.xml.default.tomcat_ha-staged",
    f"/var/lib/{TOMCAT}/lib/postgresql.jar",
    "/data/webapps/ROOT",
]
# An older Tomcat's service, as the previous major version's is after an upgrade: it holds Tomcat's port.
OLD_TOMCAT = """[Unit]
Description=an older Tomcat holding port 8080
[Service]
ExecStart=/usr/bin/python3 -m http.server 8080
[Install]
WantedBy=multi-user.target
"""


def recap(output: str) -> dict[str, int]:
    return {h: int(c) for h, c in re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", output, re.M)}


def package_status(h, package: str) -> str:
    """dpkg's status of the package: installed, config-files (removed, not purged) or not-installed."""
    out = h.run(f"dpkg-query -W -f '${{db:Status-Status}}' {package}")
    return out.stdout.strip() or "not-installed"


def test_uninstall_removes_the_setup_and_keeps_the_operators_data(backends):
    started = time.monotonic()
    proc = run_playbook({}, playbook="playbooks/uninstall.yml")
    print(f"uninstall: {time.monotonic() - started:.0f} s")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    client, db, lb = host(CLIENT), host(DB), host(LB)

    # Nothing answers any more, seen from another host; the services are stopped and do not start at boot.
    lb_nginx = lb.service("nginx")
    assert not lb_nginx.is_running and not lb_nginx.is_enabled
    # No record of a setup is left for verify.yml to judge.
    for name, h in [(LB, lb), *backends.items()]:
        assert not h.file("/etc/ansible/facts.d/tomcat_ha.fact").exists, name
    assert connect(client, lb.interface("eth0").addresses[0], 80) == "refused"
    for name, h in backends.items():
        assert not h.service(TOMCAT).is_running, name
        assert connect(client, h.interface("eth0").addresses[0], 8080) == "refused", name
        assert h.run("nft list table inet tomcat_ha").rc != 0, name
        for package in (TOMCAT, f"{TOMCAT}-common", JDK):
            # Removed, not purged: Debian's configuration stays.
            assert package_status(h, package) in ("config-files", "not-installed"), (name, package)
        for path in ROLE_FILES:
            assert not h.file(path).exists, (name, path)
        assert not h.check_output(f"ls /etc/{TOMCAT}/server.xml.*~ 2>/dev/null || true"), name
        # Debian's own server.xml is back: the checksum ucf recorded when the package installed it (Debian's Tomcat
        # installs its configuration with ucf, which keeps the record after a remove).
        debian = h.check_output(f"grep ' /etc/{TOMCAT}/server.xml$' /var/lib/ucf/hashfile").split()[0]
        assert h.check_output(f"md5sum /etc/{TOMCAT}/server.xml").split()[0] == debian, name

    # The store: its configuration and firewall table gone, PostgreSQL back on loopback, the database kept, and the
    # pg_hba.conf the role's block was removed from kept as a backup.
    assert db.run("nft list table inet session_store").rc != 0
    assert connect(next(iter(backends.values())), db.interface("eth0").addresses[0], 5432) in ("refused", "dropped")
    assert db.check_output(f"{PSQL} \"SELECT count(*) FROM pg_database WHERE datname = 'tomcat_sessions'\"") == "1"
    assert db.check_output("ls /etc/postgresql/*/main/pg_hba.conf.*~ 2>/dev/null || true"), "no backup of pg_hba.conf"
    assert not db.check_output("ls /etc/postgresql/*/main/conf.d/session_store.conf 2>/dev/null || true")


def test_a_second_uninstall_changes_nothing():
    proc = run_playbook({}, playbook="playbooks/uninstall.yml")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    changed = recap(out)
    assert changed and not any(changed.values()), changed


def test_site_installs_again_past_an_older_tomcat_holding_the_port(backends):
    # backend1 runs a service of an older Tomcat version that holds port 8080 and starts at boot.
    old = next(iter(backends.values()))
    old.check_output(f"printf %s '{OLD_TOMCAT}' > /etc/systemd/system/tomcat9.service")
    old.check_output("systemctl daemon-reload && systemctl enable --now tomcat9")
    held = poll(lambda: connect(old, "127.0.0.1", 8080), lambda state: state == "open", within=20, pause=0.5)
    assert held == "open", f"the older Tomcat's service did not open port 8080 within 20 s: {held}"
    try:
        started = time.monotonic()
        proc = run_playbook({})
        print(f"site.yml again: {time.monotonic() - started:.0f} s")
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, out[-3000:]
        older = old.service("tomcat9")
        assert not older.is_running and not older.is_enabled
        for name, h in backends.items():
            assert h.service(TOMCAT).is_running and h.service(TOMCAT).is_enabled, name
        pages = fetch_through_balancer(4)
        assert {page["server"] for page in pages} <= set(BACKENDS), pages
        assert len({page["session_id"] for page in pages}) == 1, pages
    finally:
        old.run("systemctl disable --now tomcat9; rm -f /etc/systemd/system/tomcat9.service; systemctl daemon-reload")
