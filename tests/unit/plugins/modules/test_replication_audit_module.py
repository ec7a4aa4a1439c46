# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The replication_audit module through the real ansible CLIs, with this machine's own journalctl.

The controller runs no systemd and keeps no journal, so what the module reads here is empty; what it finds in a
real Tomcat journal is tested on the captured lines (module_utils/test_replication_audit.py), in the lab
(playbooks/precheck.yml and verify.yml, make lab-app) and in the apps Molecule scenario.
"""

from __future__ import annotations

import json
import shutil

import pytest
from _cli import adhoc, run

MODULE = "sessionlab.tomcat_ha.replication_audit"
KINDS = {"not_serializable": 0, "filtered": 0, "serialize_failed": 0, "deserialize_failed": 0}


@pytest.fixture(scope="module", autouse=True)
def journalctl():
    if shutil.which("journalctl") is None:
        pytest.fail("journalctl is missing: install systemd (apt-get install systemd).", pytrace=False)


def test_ansible_doc(repo_root):
    result = run(repo_root, ["ansible-doc", "-t", "module", "--json", MODULE])
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)[MODULE]
    assert doc["doc"]["module"] == "replication_audit"
    assert set(doc["doc"]["options"]) == {"unit", "since", "cursor", "max_findings"}
    assert set(doc["return"]) == {"findings", "summary", "counts", "total", "entries", "unit", "cursor"}
    assert MODULE in doc["examples"]
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr


@pytest.mark.parametrize("check", [False, True])
def test_an_empty_journal_gives_no_findings(repo_root, check):
    rc, result, output = adhoc(repo_root, MODULE, {"unit": "tomcat10", "since": 0}, *(["--check"] if check else []))
    assert rc == 0, output
    assert result["changed"] is False
    assert (result["findings"], result["summary"], result["total"], result["entries"]) == ([], [], 0, 0)
    assert result["counts"] == KINDS
    assert (result["unit"], result["cursor"]) == ("tomcat10", None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"since": 0, "cursor": "s=1"}, "parameters are mutually exclusive: since|cursor"),
        ({"unit": "tomcat10"}, "one of the following is required: since, cursor"),
        ({"since": -1}, "since must be a time in seconds since the epoch (0 or more), got -1.0."),
        (
            {"since": 0, "unit": "tomcat10; reboot"},
            "unit must be a systemd unit name such as tomcat10, got 'tomcat10; reboot'.",
        ),
        ({"since": 0, "unit": "-tomcat"}, "unit must be a systemd unit name such as tomcat10, got '-tomcat'."),
        ({"cursor": " "}, "cursor must be a journal cursor as an earlier run returned it (one line, not empty)."),
        ({"since": 0, "max_findings": -1}, "max_findings must be 0 to 100000, got -1."),
        (
            {"cursor": "bogus", "unit": "tomcat10"},
            "cursor is not a cursor of this host's journal (Failed to seek to cursor: Invalid argument): pass one an"
            " earlier run on this host returned, or use since.",
        ),
        # No systemd here: no unit to find.
        (
            {"since": 0},
            "no Tomcat unit on this host (tomcat11, tomcat10, tomcat9): name the one Tomcat runs as with unit.",
        ),
    ],
)
def test_bad_input_fails_with_one_sentence(repo_root, args, message):
    rc, result, output = adhoc(repo_root, MODULE, args)
    assert rc != 0, output
    assert result["msg"] == message
    assert "Traceback" not in output
