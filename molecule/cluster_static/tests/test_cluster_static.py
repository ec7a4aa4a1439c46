"""httpd sticky in front of a BackupManager cluster whose members are listed statically (no multicast)."""

from tests.lab_checks import BACKENDS, TOMCAT, fetch_through_balancer


def test_static_membership_lists_every_backend_and_no_multicast(backends):
    addresses = [h.interface("eth0").addresses[0] for h in backends.values()]
    for name, h in backends.items():
        xml = h.file(f"/etc/{TOMCAT}/server.xml").content_string
        assert "StaticMembershipService" in xml and "McastService" not in xml, name
        assert "org.apache.catalina.ha.session.BackupManager" in xml, name
        for addr in addresses:
            assert f'host="{addr}" port="4000"' in xml, (name, addr)


def test_members_joined_without_multicast(backends):
    for name, h in backends.items():
        log = h.check_output(f"journalctl -q -o cat -u {TOMCAT} | grep -c 'Replication member added' || true")
        assert int(log) >= 1, name


def test_sticky_session_stays_on_one_backend():
    pages = fetch_through_balancer(6)
    assert len({p["server"] for p in pages}) == 1
    assert [p["count"] for p in pages] == list(range(1, 7))


def test_the_route_prefix_reaches_tomcat_httpd_and_the_session_ids(backends, lb):
    # tomcat_ha_route_prefix is node in this scenario's molecule.yml: one setting, every file it reaches.
    conf = lb.file("/etc/apache2/sites-available/sessionlab-balancer.conf").content_string
    for i, name in enumerate(BACKENDS, 1):
        assert f'jvmRoute="node{i}"' in backends[name].file(f"/etc/{TOMCAT}/server.xml").content_string, name
        assert f"BalancerMember http://{name}:8080 loadfactor=1 route=node{i} " in conf, name
    assert "tomcat1" not in conf
    for page in fetch_through_balancer(3):
        assert page["session_id"].endswith(f".node{list(BACKENDS).index(page['server']) + 1}"), page
