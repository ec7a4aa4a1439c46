# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # What the modules that are actions on the controller share: they read what the play holds, change nothing
    # and contact no host.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: It only reads what the play holds (variables, the inventory, facts).
  diff_mode:
    support: none
    description: It changes nothing.
  platform:
    support: full
    platforms: all
    description: It runs on the controller, as an action; no host is contacted.
"""
