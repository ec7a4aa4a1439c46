# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ip_address and ip_network tests; their docs are ip_address.yml and ip_network.yml."""

from __future__ import annotations

import ipaddress


def _text(value):
    """The value as an address's text, or None: not a string, spaces around it, or a zone ID (fe80::1%eth0), which a
    configuration file would take as it is, quotes and angle brackets included."""
    if not isinstance(value, str) or "%" in value or value != value.strip():
        return None
    return value


def ip_address(value):
    """An IPv4 or IPv6 address, written alone: no brackets, prefix length, zone ID or spaces."""
    text = _text(value)
    try:
        return text is not None and bool(ipaddress.ip_address(text))
    except ValueError:
        return False


def ip_network(value):
    """An IPv4 or IPv6 address, or a network with its prefix length and no host bits set (10.0.8.0/24)."""
    text = _text(value)
    try:
        return text is not None and bool(ipaddress.ip_network(text, strict=True))
    except ValueError:
        return False


class TestModule:
    def tests(self):
        return {"ip_address": ip_address, "ip_network": ip_network}
