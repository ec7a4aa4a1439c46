"""The nginx_balancer role on its own, with members given as data, balances real HTTP servers."""

from tests.lab_checks import BALANCER, CLIENT, host


def test_the_members_are_rendered_as_given(lb):
    conf = lb.file("/etc/nginx/conf.d/sessionlab-balancer.conf").content_string
    assert "upstream demo {" in conf
    assert "server backend1.qyh.com:8099 weight=1 " in conf
    assert "server backend2.qyh.com:8099 weight=2 " in conf
    assert lb.run("nginx -t").rc == 0


def test_requests_reach_both_members_in_their_weights():
    client = host(CLIENT)
    served = [client.check_output(f"curl -fsS http://{BALANCER}/index.html") for _request in range(30)]
    counts = {name: served.count(f"served by {name}") for name in ("backend1.qyh.com", "backend2.qyh.com")}
    assert sum(counts.values()) == 30, served
    # Weighted round robin: 1 in 3 to backend1, 2 in 3 to backend2 (per worker, so roughly).
    assert 5 <= counts["backend1.qyh.com"] <= 15, counts
