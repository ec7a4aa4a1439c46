"""httpd sticky ROUTEID with jvmRoute, no cluster."""

from tests.lab_checks import ROUTES, TLS, fetch_through_balancer


def test_httpd_serves_and_nginx_is_stopped(lb):
    assert lb.service("apache2").is_running and lb.service("apache2").is_enabled
    assert not lb.service("nginx").is_running
    assert lb.run("apachectl -t").rc == 0
    assert not lb.file("/etc/apache2/sites-enabled/000-default.conf").exists


def test_balancer_members_carry_the_tomcat_routes(lb):
    conf = lb.file("/etc/apache2/sites-available/sessionlab-balancer.conf").content_string
    for name, route in ROUTES.items():
        assert f"BalancerMember http://{name}:8080 loadfactor=1 route={route} " in conf
    assert "ProxySet stickysession=ROUTEID" in conf
    cookie = "ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/; HttpOnly; SameSite=Lax" + ("; Secure" if TLS else "")
    assert f'Header add Set-Cookie "{cookie}" env=BALANCER_ROUTE_CHANGED' in conf


def test_sticky_keeps_one_backend_and_session():
    pages = fetch_through_balancer(8)
    assert len({p["server"] for p in pages}) == 1
    assert len({p["session_id"] for p in pages}) == 1
