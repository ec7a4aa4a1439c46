# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures: the collection importable as ansible_collections.sessionlab.tomcat_ha, loopback servers, nginx."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
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

from lab.loopback import NGINX, NGINX_HINT, PageServer, ShopServer  # noqa: E402


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


@pytest.fixture
def shop_server():
    with ShopServer() as server:
        yield server


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate and key for 127.0.0.1 (also its own CA)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def tls_page_server(certificate):
    """A page server on 127.0.0.1 over HTTPS with the self-signed certificate; yields (server, CA file)."""
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with PageServer(ssl_context=context) as server:
        yield server, str(cert)
