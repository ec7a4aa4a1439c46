"""Every pytest run from the checkout: a test that takes a tool's fixture must carry the tool's marker.

make unit deselects the marked tests and needs nothing but .venv; make unit-nginx and make unit-browser run
them with the tool installed. An unmarked test that takes the fixture would make make unit need the tool, so
it fails here, with the marker to add.
"""

import pytest

# The fixture that provides a tool, and the marker (pytest.ini) of the tests that need it.
TOOL_FIXTURES = {"nginx_binary": "nginx", "browser": "browser"}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for fixture, marker in TOOL_FIXTURES.items():
        if fixture in item.fixturenames and item.get_closest_marker(marker) is None:
            pytest.fail(
                f"{item.nodeid} takes the {fixture} fixture but is not marked @pytest.mark.{marker}: mark it, "
                f"so that make unit-{marker} runs it with the tool and make unit leaves it out.",
                pytrace=False,
            )
