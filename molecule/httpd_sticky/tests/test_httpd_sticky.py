"""httpd sticky ROUTEID with jvmRoute, no cluster."""

from tests.lab_checks import fetch_through_balancer
from tests.molecule_common import (  # noqa: F401  pylint: disable=unused-import
    # the checks every full-lab scenario runs, collected here
    ROUTES,
    test_default_webapps_removed,
    test_lab_names_resolve_everywhere,
    test_server_xml_has_the_computed_route_and_host,
    test_session_cookie_suffix_is_the_serving_backends_route,
    test_test_page_is_distributable,
    test_tomcat_running_enabled_listening,
)


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
    assert 'Header add Set-Cookie "ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/" env=BALANCER_ROUTE_CHANGED' in conf


def test_sticky_keeps_one_backend_and_session():
    pages = fetch_through_balancer(8)
    assert len({p["server"] for p in pages}) == 1
    assert len({p["session_id"] for p in pages}) == 1
