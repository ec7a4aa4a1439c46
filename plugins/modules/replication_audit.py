#!/usr/bin/python
# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
---
module: replication_audit
short_description: Find the session attributes Tomcat could not replicate, in its journal
version_added: 1.0.0
description:
  - >-
    Reads what the Tomcat unit wrote to systemd's journal since a time or after a journal cursor, and returns every
    session attribute Tomcat refused, left out, or could not serialize or deserialize, with a summary per attribute
    and class. Run it on each backend after traffic (or a pre-check) has gone through the application.
  - >-
    V(not_serializable): a distributable application stored a value whose class is not C(Serializable);
    C(setAttribute) threw C(IllegalArgumentException) and the request failed. Tomcat names the attribute and the
    context, not the class; RV(findings[].caller) is the application's code that stored it.
  - >-
    V(filtered): the Manager's C(sessionAttributeValueClassNameFilter) (or name filter) left the attribute out. It
    stays on its node and is silently missing on the others. Logged only with C(warnOnSessionAttributeFilterFailure),
    which the tomcat role turns on with its filter; the line names neither the session nor the context.
  - >-
    V(serialize_failed): the sending node could not serialize a value, typically a C(Serializable) class holding a
    field that is not (the class in the finding is that field's). A DeltaManager loses every change of that request;
    a node that joins the cluster gets the session without the attribute, or none of the sessions written after it.
  - >-
    V(deserialize_failed): the receiving node could not read what a peer sent, for example a class that changed
    (C(serialVersionUID)) or is missing on this node, or a stream a failed sender cut short.
  - >-
    A value changed in place without a new C(setAttribute) is never replicated and leaves nothing in the log; compare
    the application's state on two nodes (M(sessionlab.tomcat_ha.session_probe)) to find that.
  - The module only reads; it runs in check mode too and always returns C(changed=false).
author:
  - sessionlab maintainers (@sessionlab)
options:
  unit:
    description:
      - The systemd unit Tomcat runs as, for example V(tomcat10).
      - Empty takes the first of V(tomcat11), V(tomcat10) and V(tomcat9) that the host has.
    type: str
    default: ""
  since:
    description:
      - Read the entries written at or after this time, in seconds since the epoch (for example
        C(now().timestamp()) taken before the traffic).
      - Exactly one of O(since) and O(cursor) is needed.
    type: float
  cursor:
    description:
      - Read the entries after this journal cursor, for example RV(cursor) of an earlier run on the same host.
      - Exactly one of O(since) and O(cursor) is needed.
    type: str
  max_findings:
    description:
      - The most findings RV(findings) lists, 0 to 100000; the first ones are kept. RV(summary) and RV(counts) count
        them all.
    type: int
    default: 1000
attributes:
  check_mode:
    support: full
    description: It only reads the journal.
  diff_mode:
    support: none
    description: It changes nothing.
  platform:
    support: full
    platforms: posix
    description: A host where Tomcat runs as a systemd unit and logs to the journal (Debian's tomcat10 and tomcat11 do).
requirements:
  - journalctl (systemd 236 or later) on the host; reading the unit's journal needs root or the systemd-journal group.
notes:
  - Tomcat's messages are read in English, the language Debian's Tomcat logs in; a JVM running in another language
    logs translations, which the module does not recognise.
  - >-
    The lines it reads were captured from Tomcat 10.1 (DeltaManager, BackupManager, StandardManager) and 11.0
    (DeltaManager, StandardManager); PersistentManager's come from Tomcat's message catalogue.
seealso:
  - name: Tomcat clustering how-to
    description: Session attributes must be Serializable in a distributable application.
    link: https://tomcat.apache.org/tomcat-10.1-doc/cluster-howto.html
  - module: sessionlab.tomcat_ha.session_probe
"""

EXAMPLES = r"""
- name: Note when the traffic starts
  ansible.builtin.set_fact:
    __audit_since: "{{ now().timestamp() }}"

# ... traffic through the balancer ...

- name: Find the attributes Tomcat could not replicate
  sessionlab.tomcat_ha.replication_audit:
    since: "{{ __audit_since }}"
  become: true
  register: __audit

- name: Nothing was refused, left out or lost
  ansible.builtin.assert:
    that: __audit.findings | length == 0
    fail_msg: "{{ __audit.summary }}"

- name: Later, read only what came after
  sessionlab.tomcat_ha.replication_audit:
    unit: tomcat10
    cursor: "{{ __audit.cursor }}"
  become: true
"""

RETURN = r"""
findings:
  description: What Tomcat refused, left out, or could not serialize or deserialize, in the order it was logged.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: V(not_serializable), V(filtered), V(serialize_failed) or V(deserialize_failed).
      returned: always
      type: str
      sample: serialize_failed
    attribute:
      description: The session attribute's name, V(null) when Tomcat's line does not name it.
      returned: always
      type: str
      sample: cart
    class:
      description: The class that could not be replicated (for V(serialize_failed) the field's class that is not
        Serializable), V(null) when the lines do not name it.
      returned: always
      type: str
      sample: sessionlab.shop.Catalog
    session:
      description: The session ID, V(null) when the line does not name it.
      returned: always
      type: str
      sample: A1EDF821402E511064FE9E1F78ACCD06.tomcat1
    context:
      description: The application's context path (V('') for the root application), V(null) when not named.
      returned: always
      type: str
      sample: /shop
    exception:
      description: The exception line that came with it, V(null) when there was none.
      returned: always
      type: str
      sample: "java.io.NotSerializableException: sessionlab.shop.Catalog"
    caller:
      description: For V(not_serializable), the application's stack frame that called C(setAttribute), else V(null).
      returned: always
      type: str
      sample: sessionlab.shop.AddServlet.doPost(AddServlet.java:65)
    line:
      description: Tomcat's line.
      returned: always
      type: str
      sample: Unable to serialize delta request for sessionid [A1EDF821402E511064FE9E1F78ACCD06.tomcat1]
    time:
      description: When the line was logged, seconds since the epoch.
      returned: always
      type: float
      sample: 1796629051.294622
    cursor:
      description: The journal cursor of the line.
      returned: always
      type: str
      sample: s=597b1c0445b14c2db3996d5bfd4b584d;i=32d;b=e56f4e92d3414a5e97b4c2af657aa795;m=35443537;t=662065378;x=1
summary:
  description: One entry per attribute and class, most findings first.
  returned: always
  type: list
  elements: dict
  contains:
    attribute:
      description: The attribute, V(null) when the lines did not name it.
      returned: always
      type: str
      sample: cart
    class:
      description: The class, V(null) when the lines did not name it.
      returned: always
      type: str
      sample: sessionlab.shop.Cart
    findings:
      description: How many findings.
      returned: always
      type: int
      sample: 4
    kinds:
      description: How many findings of each kind.
      returned: always
      type: dict
      sample: {filtered: 4}
    sessions:
      description: In how many distinct sessions (of the findings that name one).
      returned: always
      type: int
      sample: 0
    contexts:
      description: The context paths named, sorted.
      returned: always
      type: list
      elements: str
      sample: [/shop]
counts:
  description: How many findings of each kind (every kind is listed).
  returned: always
  type: dict
  sample: {not_serializable: 0, filtered: 4, serialize_failed: 0, deserialize_failed: 0}
total:
  description: How many findings there were; RV(findings) lists at most O(max_findings) of them.
  returned: always
  type: int
  sample: 4
entries:
  description: How many journal entries were read.
  returned: always
  type: int
  sample: 212
unit:
  description: The unit whose journal was read.
  returned: always
  type: str
  sample: tomcat10
cursor:
  description:
    - The cursor of the last entry read, to pass as O(cursor) next time. When nothing new was read, the cursor given,
      or the unit's last entry before the read; V(null) when the unit has no entries.
  returned: always
  type: str
  sample: s=597b1c0445b14c2db3996d5bfd4b584d;i=639;b=e56f4e92d3414a5e97b4c2af657aa795;m=490d99d8;t=6620667424b20;x=5
"""

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._replication_audit import (
    KINDS,
    audit_entries,
    journal_entries,
    summarize,
)

_UNITS = ("tomcat11", "tomcat10", "tomcat9")
_UNIT_RE = re.compile(r"^[A-Za-z0-9:_.@][A-Za-z0-9:_.@-]*$")


def _parameter_problem(params):
    """One sentence naming the first bad parameter, or None."""
    if params["unit"] and not _UNIT_RE.match(params["unit"]):
        return f"unit must be a systemd unit name such as tomcat10, got {params['unit']!r}."
    if params["since"] is not None and params["since"] < 0:
        return f"since must be a time in seconds since the epoch (0 or more), got {params['since']}."
    if params["cursor"] is not None and (not params["cursor"].strip() or "\n" in params["cursor"]):
        return "cursor must be a journal cursor as an earlier run returned it (one line, not empty)."
    if not 0 <= params["max_findings"] <= 100000:
        return f"max_findings must be 0 to 100000, got {params['max_findings']}."
    return None


def _find_unit(module, systemctl):
    for unit in _UNITS:
        rc, out, _err = module.run_command([systemctl, "show", "--property=LoadState", "--value", f"{unit}.service"])
        if rc == 0 and out.strip() == "loaded":
            return unit
    module.fail_json(msg=f"no Tomcat unit on this host ({', '.join(_UNITS)}): name the one Tomcat runs as with unit.")


def _last_cursor(module, journalctl, unit):
    out = module.run_command([journalctl, "--unit", unit, "--lines=0", "--show-cursor", "--output=cat"])[1]
    for line in out.splitlines():
        if line.startswith("-- cursor: "):
            return line[len("-- cursor: ") :].strip()
    return None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            unit=dict(type="str", default=""),
            since=dict(type="float"),
            cursor=dict(type="str"),
            max_findings=dict(type="int", default=1000),
        ),
        required_one_of=[("since", "cursor")],
        mutually_exclusive=[("since", "cursor")],
        supports_check_mode=True,
    )
    params = module.params
    problem = _parameter_problem(params)
    if problem:
        module.fail_json(msg=problem)
    journalctl = module.get_bin_path("journalctl")
    if journalctl is None:
        module.fail_json(msg="journalctl is not on this host: the audit reads the Tomcat unit's systemd journal.")
    unit = params["unit"] or _find_unit(module, module.get_bin_path("systemctl", required=True))

    before = params["cursor"] or _last_cursor(module, journalctl, unit)
    command = [journalctl, "--unit", unit, "--output=json", "--output-fields=MESSAGE", "--no-pager"]
    if params["cursor"] is not None:
        command.append(f"--after-cursor={params['cursor']}")
    else:
        command.append(f"--since=@{int(params['since'])}")
    rc, out, err = module.run_command(command)
    # journalctl exits 1 without a word when nothing matched; with a word, something is wrong.
    if rc != 0 and err.strip():
        reason = err.strip().splitlines()[-1]
        if params["cursor"] is not None and "cursor" in reason.lower():
            module.fail_json(
                msg=f"cursor is not a cursor of this host's journal ({reason}): pass one an earlier run on this host "
                "returned, or use since."
            )
        module.fail_json(
            msg=f"journalctl could not read the journal of {unit} ({reason}): check the unit, and run the task as "
            "root (become)."
        )

    entries = list(journal_entries(out.splitlines()))
    if params["since"] is not None:
        entries = [entry for entry in entries if entry["time"] is None or entry["time"] >= params["since"]]
    findings = audit_entries(entries)
    counts = dict.fromkeys(KINDS, 0)
    for finding in findings:
        counts[finding["kind"]] += 1
    module.exit_json(
        changed=False,
        findings=findings[: params["max_findings"]],
        summary=summarize(findings),
        counts=counts,
        total=len(findings),
        entries=len(entries),
        unit=unit,
        cursor=entries[-1]["cursor"] if entries else before,
    )


if __name__ == "__main__":
    main()
