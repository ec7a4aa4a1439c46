"""nginx ip_hash, no cluster: one client network always lands on the backend nginx's hash picks."""

from tests.lab_checks import TOMCAT, fetch_when_settled


def test_nginx_ip_hash_configured(lb):
    conf = lb.file("/etc/nginx/conf.d/sessionlab-balancer.conf").content_string
    assert "ip_hash;" in conf
    assert lb.service("nginx").is_running


def test_no_cluster_configured(backends):
    for h in backends.values():
        assert "<Cluster" not in h.file(f"/etc/{TOMCAT}/server.xml").content_string


def test_one_backend_one_session():
    # Right after the experiment nginx may still skip the restored backend and rehash to the other one.
    pages = fetch_when_settled(8, lambda pages: len({p["server"] for p in pages}) == 1)
    assert len({p["server"] for p in pages}) == 1
    assert len({p["session_id"] for p in pages}) == 1
    assert [p["count"] for p in pages] == list(range(1, 9))
