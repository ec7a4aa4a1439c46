"""httpd sticky in front of a BackupManager cluster whose members are listed statically (no multicast)."""

from tests.lab_checks import fetch_through_balancer


def test_static_membership_lists_every_backend_and_no_multicast(backends):
    addresses = [h.interface("eth0").addresses[0] for h in backends.values()]
    for name, h in backends.items():
        xml = h.file("/etc/tomcat10/server.xml").content_string
        assert "StaticMembershipService" in xml and "McastService" not in xml, name
        assert "org.apache.catalina.ha.session.BackupManager" in xml, name
        for addr in addresses:
            assert f'host="{addr}" port="4000"' in xml, (name, addr)


def test_members_joined_without_multicast(backends):
    for name, h in backends.items():
        log = h.check_output("journalctl -q -o cat -u tomcat10 | grep -c 'Replication member added' || true")
        assert int(log) >= 1, name


def test_sticky_session_stays_on_one_backend():
    pages = fetch_through_balancer(6)
    assert len({p["server"] for p in pages}) == 1
    assert [p["count"] for p in pages] == list(range(1, 7))
