"""httpd sticky ROUTEID with jvmRoute, no cluster."""

from tests.lab_checks import ROUTES, TLS, TOMCAT, fetch_through_balancer, poll, serves


def test_httpd_serves_and_nginx_is_stopped(lb):
    assert lb.service("apache2").is_running and lb.service("apache2").is_enabled
    assert not lb.service("nginx").is_running
    assert lb.run("apachectl -t").rc == 0
    assert not lb.file("/etc/apache2/sites-enabled/000-default.conf").exists


def test_balancer_members_carry_the_tomcat_routes(lb):
    conf = lb.file("/etc/apache2/sites-available/sessionlab-balancer.conf").content_string
    for name, route in ROUTES.items():
        assert f"BalancerMember http://{name}:8080 loadfactor=1 route={route} " in conf
    checks = "hcmethod=GET hcuri=/health.jsp hcinterval=500ms hcpasses=1 hcfails=2"
    assert conf.count(checks) == len(ROUTES)
    # Each vhost (the HTTP redirect has none, HTTPS proxies) sends a client's first request on a new connection.
    assert "SetEnv proxy-initial-not-pooled 1" in conf
    assert "ProxySet stickysession=ROUTEID" in conf
    assert "ProxySet failonstatus=503" in conf
    cookie = "ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/; HttpOnly; SameSite=Lax" + ("; Secure" if TLS else "")
    assert f'Header add Set-Cookie "{cookie}" env=BALANCER_ROUTE_CHANGED' in conf


def test_sticky_keeps_one_backend_and_session():
    pages = fetch_through_balancer(8)
    assert len({p["server"] for p in pages}) == 1
    assert len({p["session_id"] for p in pages}) == 1


def test_a_restarted_backend_takes_new_sessions_again_within_seconds(backends):
    """httpd's active health checks bring a backend back as soon as it serves again. Without them httpd keeps a
    member it saw fail out for its retry time (60 s here): every new session would go to the other backend."""
    name = sorted(backends)[0]
    backend = backends[name]
    backend.check_output(f"systemctl stop {TOMCAT}")
    try:
        # New sessions while it is down: httpd finds it failed (a refused request or the checks) and uses the other.
        pages = [fetch_through_balancer(1)[0] for _session in range(6)]
        assert {p["server"] for p in pages} == set(backends) - {name}, pages
    finally:
        backend.check_output(f"systemctl start {TOMCAT}")
        assert poll(lambda: serves(backend), bool, within=120, pause=1), name
    # Within a few checks of serving again it takes new sessions: each call is a new cookie jar.
    pages = poll(
        lambda: [fetch_through_balancer(1)[0] for _session in range(4)],
        lambda ps: name in {p["server"] for p in ps},
        within=10,
        pause=0.5,
    )
    assert name in {p["server"] for p in pages}, pages
