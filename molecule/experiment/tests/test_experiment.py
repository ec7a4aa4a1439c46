"""Whatever the chosen experiment, the shared checks of a full lab hold."""

from tests.molecule_common import (  # noqa: F401  pylint: disable=unused-import
    # the checks every full-lab scenario runs, collected here
    test_default_webapps_removed,
    test_lab_names_resolve_everywhere,
    test_server_xml_has_the_computed_route_and_host,
    test_session_cookie_suffix_is_the_serving_backends_route,
    test_test_page_is_distributable,
    test_tomcat_running_enabled_listening,
)
