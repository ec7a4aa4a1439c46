# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # What the modules that read the session test page through the balancer share: they only read, and they
    # parse the same page with the same cookie and TLS settings.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: The module only reads, so it sends its requests in check mode too.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
options:
  cookie_name:
    description:
      - Name of the session cookie. Its value is used as the session ID when the page does not show one.
    type: str
    default: JSESSIONID
  page_format:
    description:
      - How to parse the page. V(auto) parses JSON when the C(Content-Type) contains C(json), HTML otherwise.
    type: str
    choices: [auto, html, json]
    default: auto
  validate_certs:
    description:
      - Verify the TLS certificate of an C(https://) URL.
    type: bool
    default: true
  ca_path:
    description:
      - File of PEM CA certificates to verify the server's certificate with, instead of the system's.
    type: path
  headers:
    description:
      - Extra request headers, name to value, sent with every request.
    type: dict
    default: {}
"""
