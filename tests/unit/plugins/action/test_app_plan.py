# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The app_plan action through the real ansible CLI: the completed applications, or one sentence."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from _cli import adhoc

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "lab" / "apps"))

import build  # noqa: E402


@pytest.fixture(scope="module")
def wars(tmp_path_factory):
    out = tmp_path_factory.mktemp("apps")
    return {variant: build.build(variant, out) for variant in ("shop", "shop-nondistributable")}


def test_the_applications_come_back_with_their_sha256_and_classes(repo_root, wars, tmp_path):
    apps = [
        {"context": "/shop", "war": str(wars["shop"]), "version": "2", "session_classes": ["sessionlab\\.shop\\.Cart"]},
        {"context": "/old", "state": "absent"},
    ]
    rc, result, output = adhoc(repo_root, "sessionlab.tomcat_ha.app_plan", {"apps": apps, "cluster": True})
    assert rc == 0, output
    shop, old = result["apps"]
    assert shop["sha256"] == hashlib.sha256(wars["shop"].read_bytes()).hexdigest()
    assert (shop["basename"], shop["distributable"], old["state"]) == ("shop##2", True, "absent")
    assert shop["release"] == f"/var/lib/tomcat_ha/apps/shop/{shop['sha256']}"
    assert f'<Context docBase="{shop["release"]}"/>' in shop["descriptor"] and shop["descriptor_file"] == "shop##2.xml"
    assert result["session_classes"] == ["sessionlab\\.shop\\.Cart"]
    assert result["changed"] is False and result["fetched"] == []


def test_bad_input_fails_with_the_sentence_alone(repo_root, wars):
    apps = [{"context": "/shop", "war": str(wars["shop-nondistributable"])}]
    rc, result, output = adhoc(repo_root, "sessionlab.tomcat_ha.app_plan", {"apps": apps, "cluster": True})
    assert rc != 0 and "Traceback" not in output, output
    assert result["msg"].startswith(f"tomcat_apps: shop: {wars['shop-nondistributable']} is not distributable"), result
    rc, result, output = adhoc(repo_root, "sessionlab.tomcat_ha.app_plan", {"apps": [{"context": "shop"}]})
    assert rc != 0 and result["msg"].startswith("tomcat_apps: application 1 (shop): context 'shop' must be /"), output
