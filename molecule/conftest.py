"""Fixtures for every Molecule scenario's testinfra tests (lab hosts reached through Docker)."""

import pytest

from tests.lab_checks import backend_hosts, balancer_host


@pytest.fixture(scope="module")
def backends():
    """Inventory name -> testinfra host of each backend."""
    return backend_hosts()


@pytest.fixture(scope="module")
def lb():
    """testinfra host of the balancer."""
    return balancer_host()
