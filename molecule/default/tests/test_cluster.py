"""nginx round robin in front of a Tomcat DeltaManager cluster."""

import re
import time

from tests.lab_checks import BACKENDS, TOMCAT, fetch_when_settled, run_playbook


def test_nginx_serves_and_httpd_is_stopped(lb):
    assert lb.service("nginx").is_running and lb.service("nginx").is_enabled
    assert not lb.service("apache2").is_running
    conf = lb.file("/etc/nginx/conf.d/sessionlab-balancer.conf").content_string
    assert "upstream tomcats" in conf and "ip_hash" not in conf and "hash $cookie" not in conf
    assert lb.run("nginx -t").rc == 0


def test_cluster_in_each_host_with_its_own_receiver_address(backends):
    for name, h in backends.items():
        xml = h.file(f"/etc/{TOMCAT}/server.xml").content_string
        address = h.interface("eth0").addresses[0]
        assert f'address="{address}"' in xml, name
        assert xml.index("<Host ") < xml.index("<Cluster ") < xml.index("</Host>"), name
        assert 'channelSendOptions="6"' in xml


def test_each_backend_sees_the_other_as_member(backends):
    addresses = {name: h.interface("eth0").addresses[0] for name, h in backends.items()}
    for name, h in backends.items():
        log = h.check_output(f"journalctl -q -o cat -u {TOMCAT} | grep 'Replication member added' || true")
        for other, addr in addresses.items():
            if other != name:
                assert f"tcp://{{{addr.replace('.', ', ')}}}:4000" in log, (name, other)


def test_round_robin_reaches_both_backends_with_one_session():
    pages = fetch_when_settled(8, lambda pages: {p["server"] for p in pages} == set(BACKENDS))
    assert {p["server"] for p in pages} == set(BACKENDS)
    assert len({p["session_id"].split(".")[0] for p in pages}) == 1
    assert [p["count"] for p in pages] == list(range(1, 9))


def test_every_clustered_start_received_the_sessions(backends):
    # A DeltaManager asks its peers for their sessions when it starts; two nodes starting together wait for
    # each other until the transfer times out and start empty. The role restarts one backend at a time, and
    # the experiment restores a backend while the other serves, so no start may have timed out.
    logs = {name: h.check_output(f"journalctl -q -o cat -u {TOMCAT}") for name, h in backends.items()}
    assert any("requesting session state from" in log for log in logs.values()), "no backend joined a running peer"
    for name, log in logs.items():
        assert "No session state sent at" not in log, name


def _journal_since(h, since: str) -> str:
    return h.check_output(f"journalctl -q -o cat -u {TOMCAT} --since @{since}")


def _wait_for(predicate, within: float) -> bool:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def test_a_member_with_another_key_cannot_join(backends):
    # backend2 restarts with a key of its own: backend1 cannot decrypt what it sends (the log line the security
    # docs name), and backend2 receives no session. Then it gets its server.xml back and rejoins.
    (name1, b1), (name2, b2) = backends.items()
    conf = f"/etc/{TOMCAT}/server.xml"
    since = b1.check_output("date +%s")
    b2.check_output(
        f'cp -p {conf} {conf}.good && sed -i -E \'s/encryptionKey="[0-9A-Fa-f]+"/encryptionKey="{"5a" * 32}"/\' {conf}'
    )
    try:
        b2.check_output(f"systemctl restart {TOMCAT}")
        refused = _wait_for(lambda: "Failed to decrypt message" in _journal_since(b1, since), within=40)
        log2 = _journal_since(b2, since)
        assert refused, (name1, _journal_since(b1, since)[-3000:])
        assert "requesting session state from" in log2, log2[-3000:]
        assert "session state sent at" not in log2 or "No session state sent at" in log2, log2[-3000:]
        assert not re.search(r"session state sent at .* received in", log2), log2[-3000:]
    finally:
        b2.check_output(f"mv {conf}.good {conf}")
        rejoined_since = b2.check_output("date +%s")
        b2.check_output(f"systemctl restart {TOMCAT}")
        assert _wait_for(lambda: re.search(r"received in", _journal_since(b2, rejoined_since)), within=90), name2
        assert _wait_for(lambda: b2.run("curl -s -o /dev/null http://127.0.0.1:8080/WEB-INF/").rc == 0, within=60), (
            name2
        )


def test_check_mode_reports_a_change_without_making_it_or_printing_the_key(backends):
    conf = f"/etc/{TOMCAT}/server.xml"
    before = {name: h.file(conf).md5sum for name, h in backends.items()}
    key = re.search(r'encryptionKey="([0-9A-Fa-f]+)"', next(iter(backends.values())).file(conf).content_string)
    assert key, "no encryptionKey in server.xml"
    proc = run_playbook(
        {"tomcat_cluster_session_attribute_class_filter": "^java\\.lang\\.Long$"}, options=("--check", "--diff")
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    recap = proc.stdout[proc.stdout.rindex("PLAY RECAP") :]
    for name in backends:
        assert re.search(rf"^{re.escape(name)}\s*:\s*ok=\d+\s+changed=[1-9]", recap, re.MULTILINE), recap
    assert key.group(1) not in proc.stdout + proc.stderr
    assert {name: h.file(conf).md5sum for name, h in backends.items()} == before
