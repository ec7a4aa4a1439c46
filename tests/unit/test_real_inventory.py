"""The tutorial's real-hosts inventory has the layout the SSH lab tests: only the addresses differ."""

from __future__ import annotations

import configparser
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "inventories" / "lab"
LAB = ROOT / "lab" / "inventory"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


def test_real_hosts_are_reached_as_the_ssh_lab_reaches_its_hosts():
    real = load(REAL / "group_vars" / "all.yml")
    lab = load(LAB / "group_vars" / "all" / "lab.yml")
    constructed = load(LAB / "lab.constructed.yml")["compose"]
    assert real["ansible_user"] == lab["lab_ssh_user"]
    assert real["ansible_become"] is True
    assert constructed["ansible_become"] == "lab_connection == 'ssh'"
    assert "lab_ssh_user if lab_connection == 'ssh'" in constructed["ansible_user"]


def test_the_controller_itself_is_not_reached_with_become():
    clients = load(REAL / "hosts.yml")["all"]["children"]["clients"]["hosts"]
    assert clients["localhost"]["ansible_connection"] == "local"
    assert clients["localhost"]["ansible_become"] is False


def test_host_key_checking_is_not_turned_off():
    config = configparser.ConfigParser()
    config.read(ROOT / "ansible.cfg")
    assert config.get("defaults", "host_key_checking", fallback="True").lower() in ("true", "yes", "1")
    assert "StrictHostKeyChecking=no" not in (ROOT / "ansible.cfg").read_text()
