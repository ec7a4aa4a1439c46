# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What site.yml deployed, as it records it on the hosts, and the choice a verification takes from that record.

PRIVATE: only for this collection's own plugins (the leading underscore); the API may change without notice.
site.yml writes the RECORDED options of its setup (the topology's `record`) to FACT_PATH on every balancer and
backend, once that host's part of the run has succeeded. verify.yml reads them back as the local fact tomcat_ha
(the topology action's `deployed` option) and judges that setup: every balancer and backend must hold the same
record, and a value given with -e must be the recorded one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._settings import strict_bool, type_problem
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._setup import TopologyError

FACT_PATH = "/etc/ansible/facts.d/tomcat_ha.fact"
# The local fact the record is read back as (ansible_local.tomcat_ha): the file's name.
FACT = "tomcat_ha"
# The options of the setup site.yml records, option -> (the variable that sets it, its type): the setup a verification
# judges (the balancer and the strategy) and how it reads the balancer's answers (HTTPS or HTTP, the header that names
# the serving backend). The per-backend settings (routes, ports, addresses) stay the inventory's: a verification
# reaches the hosts through the inventory in any case.
RECORDED = {
    "balancer": ("tomcat_ha_balancer", "str"),
    "strategy": ("tomcat_ha_strategy", "str"),
    "tls": ("tomcat_ha_tls", "bool"),
    "served_by_header": ("tomcat_ha_served_by_header", "str"),
}
# The record's options that name the setup in every sentence, whatever else differs.
_NAMED = ("balancer", "strategy")


def record(setup):
    """What site.yml records of a setup (the topology's fact): the RECORDED options and their values."""
    return {option: setup[option] for option in RECORDED}


def _held(value):
    """The options a host's record holds, read as strictly as the topology reads them; None for a value that is not a
    record site.yml writes (a mapping of those options)."""
    if not isinstance(value, Mapping):
        return None
    held = {}
    for option, (_var, kind) in RECORDED.items():
        if option not in value:
            continue
        if type_problem(kind, value[option]):
            return None
        held[option] = strict_bool(value[option]) if kind == "bool" else value[option]
    return held


def _setting(option, value, by_variable=True):
    """One option as -e writes it: tomcat_ha_balancer=httpd, tomcat_ha_tls=true, tomcat_ha_served_by_header="" (or
    by the task's option name: balancer=httpd)."""
    if isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, str) and value and value == "".join(value.split()):
        text = value
    else:
        text = json.dumps(value)
    return f"{RECORDED[option][0] if by_variable else option}={text}"


def _settings(held, options, by_variable=True):
    """The options of held that are in options, as -e writes each."""
    return [_setting(option, held[option], by_variable) for option in options if option in held]


def _disagreement(records, readable):
    """The sentence for hosts that do not hold one record: each group of hosts with what it holds."""
    differing = [o for o in RECORDED if len({json.dumps(r.get(o)) for r in readable.values()}) > 1]
    shown = [o for o in RECORDED if o in _NAMED or o in differing]
    groups = {}
    for host, value in records.items():
        if value is None:
            what = "no record"
        elif host not in readable:
            what = f"a record site.yml does not write ({json.dumps(value, sort_keys=True, default=str)})"
        else:
            what = " ".join(_settings(readable[host], shown)) or "a record without a setup"
        groups.setdefault(what, []).append(host)
    held = "; ".join(f"{', '.join(h)} {'holds' if len(h) == 1 else 'hold'} {what}" for what, h in groups.items())
    return (
        f"the balancers and backends do not hold one record of the setup site.yml deployed ({FACT_PATH}), as a run of "
        f"site.yml that stopped half way leaves them ({held}): run site.yml again, so that every one of them runs one "
        "setup and records it."
    )


def deployed(records, asked):
    """The options site.yml recorded on the hosts, {} when no host holds a record (an older site.yml, or none yet).

    records maps every balancer and backend to its local fact tomcat_ha, None where it has none. asked maps the
    RECORDED options the run was given explicitly to (who asks: "-e" or "the task", the value as the topology reads
    it). Raises TopologyError (one sentence) when the hosts do not all hold the same readable record, or when an
    option asked differs from the record: an inventory's value does not count, the record outranks it.
    """
    if all(value is None for value in records.values()):
        return {}
    held = {host: _held(value) for host, value in records.items() if value is not None}
    readable = {host: options for host, options in held.items() if options is not None}
    if len(readable) != len(records) or len({json.dumps(r, sort_keys=True) for r in readable.values()}) != 1:
        raise TopologyError(_disagreement(records, readable))
    found = next(iter(readable.values()))
    differing = {option: ask for option, ask in asked.items() if option in found and ask[1] != found[option]}
    if differing:
        by_e = all(who == "-e" for who, _value in differing.values())
        wanted = {option: value for option, (_who, value) in differing.items()}
        asks = _settings(wanted, RECORDED)
        shown = [o for o in RECORDED if o in _NAMED or o in differing]
        if by_e:
            who, fix = "-e", " ".join(f"-e {setting}" for setting in asks)
            drop = f"drop th{'ose' if len(differing) > 1 else 'at'} -e"
        else:
            who, fix, drop = "the task", " ".join(asks), "leave the task's options out"
            asks = _settings(wanted, RECORDED, by_variable=False)
        raise TopologyError(
            f"{who} asks for {' '.join(asks)}, but site.yml deployed {' '.join(_settings(found, shown))} on these "
            f"hosts (their record, {FACT_PATH}): run site.yml with {fix} first, or {drop} to verify what is deployed."
        )
    return found
