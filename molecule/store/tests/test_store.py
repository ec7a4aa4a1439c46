"""nginx sticky (route) in front of two backends that keep every session in PostgreSQL (strategy sticky_store).

The side effect restarted every backend at once under load (verify.yml judged it: no session and no acknowledged
update lost). These tests check the store itself, then kill every backend at once and stop the database under
load, each through verify.yml, and assert what the users saw.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.lab_checks import BACKENDS, CLIENT, TOMCAT, connect, host, lab_hosts, run_playbook

DB = next(iter(lab_hosts("session_stores").values()))
CONTEXT = f"/etc/{TOMCAT}/Catalina/localhost/context.xml.default"
PSQL = "runuser -u postgres -- psql -d tomcat_sessions -tAc"


def verify(tmp_path: Path, fault: str) -> dict:
    """verify.yml with the fault under load: its result JSON (verify.yml has asserted the verdict)."""
    name = f"store-{fault}"
    proc = run_playbook(
        {"tomcat_ha_fault": fault, "tomcat_ha_report_dir": str(tmp_path), "tomcat_ha_experiment": name},
        playbook="playbooks/verify.yml",
    )
    out = proc.stdout + proc.stderr
    result = tmp_path / "results" / f"{name}.json"
    assert result.exists(), out[-3000:]
    data = json.loads(result.read_text())
    assert proc.returncode == 0 and data["verdict"]["matched"], (data["verdict"], out[-3000:])
    return data


def test_postgresql_holds_the_sessions_and_admits_only_the_backends(backends):
    db = host(DB)
    address = db.interface("eth0").addresses[0]
    assert db.check_output(f"{PSQL} \"SELECT count(*) FROM pg_tables WHERE tablename = 'tomcat_sessions'\"") == "1"
    for name, h in backends.items():
        assert connect(h, address, 5432) == "open", name
    assert connect(host(CLIENT), address, 5432) in ("refused", "dropped")
    # The sessions the load created are rows, filed under the one Host name every backend shares.
    apps = db.check_output(f'{PSQL} "SELECT DISTINCT app_name FROM tomcat_sessions"').split()
    assert apps == ["/Catalina/localhost/"], apps


def test_the_store_keeps_the_newer_copy_of_a_session():
    # DataSourceStore's save, as Tomcat's pool runs it: a DELETE and an INSERT in one transaction. A copy last accessed
    # before the row it replaces is refused, and the row stays; a newer one replaces it.
    db = host(DB)
    row = "INSERT INTO tomcat_sessions VALUES ('guard-test', '1', 1800, {}, '/guard/', ''::bytea)"
    save = ["BEGIN", "DELETE FROM tomcat_sessions WHERE session_id = 'guard-test'", row, "COMMIT"]
    read = "SELECT last_access FROM tomcat_sessions WHERE session_id = 'guard-test'"

    def psql(*statements):
        return db.run("runuser -u postgres -- psql -d tomcat_sessions -tA " + " ".join(f'-c "{s}"' for s in statements))

    try:
        older = psql(row.format(2000), *save[:2], save[2].format(1000), save[3], read)
        assert "the newer copy stays" in older.stderr, older.stderr
        assert older.stdout.split()[-1] == "2000", older.stdout
        newer = psql(*save[:2], save[2].format(3000), save[3], read)
        assert newer.rc == 0 and newer.stdout.split()[-1] == "3000", (newer.stdout, newer.stderr)
    finally:
        psql("DELETE FROM tomcat_sessions WHERE session_id = 'guard-test'")


def test_every_backend_reads_and_writes_its_sessions_in_the_store(backends):
    for name, h in backends.items():
        context = h.file(CONTEXT)
        assert context.user == "root" and context.group == "tomcat" and context.mode == 0o640, name
        text = context.content_string
        for element in ("PersistentManager", "DataSourceStore", "PersistentValve", 'maxIdleBackup="-1"'):
            assert element in text, (name, element)
        assert 'defaultAutoCommit="false"' in text and 'rollbackOnReturn="false"' in text, name
        assert h.file(f"/var/lib/{TOMCAT}/lib/postgresql.jar").is_symlink, name
        # No dated copy keeps a password: only the live file does.
        copies = h.check_output(f"ls {CONTEXT}.*~ 2>/dev/null || true").split()
        for copy in copies:
            assert 'password="(removed' in h.file(copy).content_string, copy


def test_a_session_goes_on_through_the_other_backend_when_its_own_is_stopped(backends):
    client = host(CLIENT)
    jar = "/tmp/store-failover.jar"
    url = f"http://{next(iter(lab_hosts('balancers')))}/session.jsp"
    client.check_output(f"rm -f {jar}")
    first = json.loads(client.check_output(f"curl -fsS -c {jar} -b {jar} {url}"))
    try:
        backends[first["server"]].check_output(f"systemctl stop {TOMCAT}")
        after = json.loads(client.check_output(f"curl -fsS -c {jar} -b {jar} {url}"))
    finally:
        backends[first["server"]].check_output(f"systemctl start {TOMCAT}")
    # The other backend read the session from the store: the same ID, and the counter goes on.
    assert after["server"] != first["server"] and after["server"] in BACKENDS, after
    assert after["session_id"] == first["session_id"] and after["count"] == first["count"] + 1, (first, after)


def test_every_backend_killed_at_once_under_load_loses_no_session_and_no_update(tmp_path):
    data = verify(tmp_path, "kill_all")
    summary = data["load"]["summary"]
    assert summary["sessions_lost"] == 0 and summary["updates_lost"] == 0, summary
    # While no backend ran, the balancer answered for them: the users saw errors, and then their sessions again.
    assert summary["failed"] > 0, summary
    # The probe's own session after the restarts: its first answer from a backend (the balancer may still answer 502
    # for a backend it has not taken back yet) goes on where the last one before the fault stopped.
    before = data["before"]["samples"][-1]
    after = next((s for s in data["after"]["samples"] if s["status"] == 200), None)
    assert after and after["session_id"] == before["session_id"], (before, data["after"]["samples"])
    assert after["count"] == before["count"] + 1, (before, after)


def test_the_database_stopped_under_load_serves_pages_but_no_session_until_it_is_back(tmp_path):
    data = verify(tmp_path, "store_stop")
    summary = data["load"]["summary"]
    # Tomcat finds no session while the store is down and starts a new one on every request: every page is served
    # (no failed request), and the users' sessions are lost for as long.
    assert summary["failed"] == 0 and summary["sessions_lost"] > 0, summary
    during = [s for s in data["after"]["samples"] if not s.get("error")]
    assert during and all(s["count"] == 1 for s in during[1:]), data["after"]
