# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures: the collection importable as ansible_collections.sessionlab.tomcat_ha, loopback servers, nginx."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# The checkout is the collection root; collections/ansible_collections/sessionlab/tomcat_ha links back to it.
# Under ansible-test the collection already sits in .../ansible_collections/sessionlab/tomcat_ha.
if REPO_ROOT.parent.parent.name == "ansible_collections":
    sys.path.insert(0, str(REPO_ROOT.parent.parent.parent))
else:
    sys.path.insert(0, str(REPO_ROOT / "collections"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _loopback import NGINX, NGINX_HINT, PageServer  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--nginx", default=NGINX, help="nginx binary for the real-nginx tests (default %(default)s)")


@pytest.fixture(scope="session")
def repo_root():
    return REPO_ROOT


@pytest.fixture(scope="session")
def nginx_binary(request):
    """The nginx binary; missing nginx FAILS the test (it is a requirement, not an option)."""
    binary = request.config.getoption("--nginx")
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        pytest.fail(f"nginx not found at {binary}: {NGINX_HINT}", pytrace=False)
    return binary


@pytest.fixture
def page_server():
    with PageServer() as server:
        yield server
