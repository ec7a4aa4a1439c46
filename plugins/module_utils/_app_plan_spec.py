# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The app_plan action's options: one spec for the action that runs and the module file that documents it."""

from __future__ import annotations

ARGUMENT_SPEC = {
    "apps": {"type": "list", "elements": "raw", "required": True},
    "cluster": {"type": "bool", "default": False},
    "test_page": {"type": "bool", "default": False},
    "cache_dir": {"type": "path", "default": "~/.cache/sessionlab-tomcat-ha/wars"},
    "releases_dir": {"type": "str", "default": "/var/lib/tomcat_ha/apps"},
    "timeout": {"type": "int", "default": 60},
    "validate_certs": {"type": "bool", "default": True},
}
