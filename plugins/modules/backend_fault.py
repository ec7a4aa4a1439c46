#!/usr/bin/python
# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
---
module: backend_fault
short_description: Inject a fault into a Tomcat backend, or undo every fault it has
version_added: 1.0.0
description:
  - >-
    With O(state=present), makes one fault happen to the Tomcat service of the host: V(stop) (a clean stop),
    V(kill) (SIGKILL, as in a crash; Debian's unit starts Tomcat again), V(restart) (systemctl restart: a clean stop
    and a start, as an update does), V(freeze) (SIGSTOP: the kernel still
    accepts connections and nothing answers, like a hung JVM or a long garbage-collection pause) or V(partition)
    (nftables drops every packet to and from O(drop_addresses), and to the cluster's multicast group; the ports of
    O(keep_ports) stay open so that Ansible can undo it).
  - >-
    A partition also blocks the multicast group of every C(McastService) of the service's live C(server.xml)
    (C(/etc/<service>/server.xml)), so that a cluster with multicast membership is cut off too, and O(multicast_groups).
  - >-
    A freeze or a partition schedules its own undo first, a transient systemd timer (O(heal_unit)) that thaws the
    JVM or removes the table after O(heal_after) seconds, so a run that dies cannot leave the backend hung.
  - >-
    With O(state=absent), undoes whatever a fault left: removes the partition's table, thaws a frozen JVM, cancels
    the timer and starts a stopped service. Safe on a backend with no fault: it changes nothing then.
  - Works on real hosts over SSH with become as in containers, with systemd and nftables only.
  - The collection's tomcat_fault role runs it, for verify.yml.
author:
  - sessionlab maintainers (@sessionlab)
options:
  state:
    description: V(present) injects O(kind); V(absent) undoes every fault.
    type: str
    choices: [present, absent]
    required: true
  kind:
    description: The fault; required with O(state=present).
    type: str
    choices: [stop, kill, restart, freeze, partition]
  service:
    description:
      - The Tomcat unit, such as V(tomcat10).
      - Empty takes the one C(tomcat<version>.service) unit file of the host (an error when there are none or several).
    type: str
    default: ""
  drop_addresses:
    description: IP addresses a partition cuts the backend off from (the balancers and the cluster peers); at least one.
    type: list
    elements: str
    default: []
  multicast_groups:
    description: Multicast groups a partition also stops the backend from sending to, besides those of its server.xml.
    type: list
    elements: str
    default: []
  keep_ports:
    description: TCP ports a partition keeps open in both directions (the SSH port Ansible reaches the host on).
    type: list
    elements: int
    default: [22]
  nft_table:
    description: The nftables table (family inet) of a partition; no other rule is touched.
    type: str
    default: tomcat_ha_fault
  heal_after:
    description: Seconds after which a freeze or a partition undoes itself.
    type: int
    default: 300
  heal_unit:
    description: The transient systemd unit that undoes a freeze or a partition.
    type: str
    default: tomcat-ha-fault-heal
  kill_timeout:
    description: Seconds a kill waits for the killed JVM to be gone.
    type: int
    default: 60
attributes:
  check_mode:
    support: full
    description: In check mode nothing is injected or undone; RV(undone) says what would be.
  diff_mode:
    support: none
    description: No files change.
  platform:
    support: full
    platforms: posix
    description: A host with systemd, and nftables for a partition.
notes:
  - A partition needs C(nft) (Debian's C(nftables)); the tomcat_fault role installs it first.
"""

EXAMPLES = r"""
- name: Freeze Tomcat, as a hung JVM would be
  sessionlab.tomcat_ha.backend_fault:
    state: present
    kind: freeze
  register: __fault

- name: Cut the backend off from the balancer and its peer
  sessionlab.tomcat_ha.backend_fault:
    state: present
    kind: partition
    drop_addresses: [192.0.2.10, 192.0.2.21]

- name: Undo whatever fault the backend has
  sessionlab.tomcat_ha.backend_fault:
    state: absent
  register: __restored
"""

RETURN = r"""
service:
  description: The Tomcat unit.
  returned: always
  type: str
  sample: tomcat10
started:
  description:
    - With O(state=present), when the fault took effect (seconds since the epoch, the host's clock), right after any
      preparation.
  returned: when state is present and not in check mode
  type: float
  sample: 1796000000.25
undone:
  description:
    - With O(state=absent), what was undone (or would be in check mode), of V(partition), V(frozen), V(timer) and
      V(stopped).
  returned: when state is absent
  type: list
  elements: str
  sample: [frozen, timer]
started_service:
  description:
    - With O(state=absent), whether the service was started (it was stopped); its DeltaManager then pulled the
      cluster's sessions.
  returned: when state is absent
  type: bool
"""

import glob
import os
import re
import time
import xml.etree.ElementTree as ET

from ansible.module_utils.basic import AnsibleModule

NAME_RE = re.compile(r"[A-Za-z0-9_.@-]+")
UNIT_FILES = "/lib/systemd/system/tomcat[0-9]*.service"


def _fail(module, msg, **extra):
    module.fail_json(msg=f"backend_fault: {msg}", **extra)


def _unit(module):
    """The Tomcat unit: the service option, or the one tomcat<version>.service unit file of the host."""
    service = module.params["service"]
    if service:
        return service[: -len(".service")] if service.endswith(".service") else service
    units = sorted({os.path.basename(p)[: -len(".service")] for p in glob.glob(UNIT_FILES)})
    if len(units) != 1:
        found = ", ".join(units) or "none"
        _fail(module, f"set service to the Tomcat unit to fault (tomcat<version> units here: {found}).")
    return units[0]


def _run(module, args, data=None, ok=(0,)):
    rc, out, err = module.run_command(args, data=data, binary_data=data is not None)
    if rc not in ok:
        _fail(module, f"{' '.join(args)} failed (rc {rc}): {(err or out).strip()}", rc=rc)
    return rc, out


def _main_pid(module, service):
    _rc, out = _run(module, ["systemctl", "show", "--property=MainPID", "--value", service])
    return int(out.strip() or 0)


def _frozen(pid):
    """Whether the process is stopped by a signal (state T in /proc/<pid>/stat)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "T"
    except (OSError, IndexError):
        return False


def partition_ruleset(table, drop, groups, keep_ports):
    """The nftables table of a partition: every packet to and from drop dropped, keep_ports open both ways."""
    v4 = [a for a in drop if ":" not in a]
    v6 = [a for a in drop if ":" in a]
    ports = ", ".join(str(p) for p in keep_ports)
    lines = [f"table inet {table} {{", "  chain input {", "    type filter hook input priority -200; policy accept;"]
    if ports:
        lines.append(f"    tcp dport {{ {ports} }} accept")
    if v4:
        lines.append(f"    ip saddr {{ {', '.join(v4)} }} drop")
    if v6:
        lines.append(f"    ip6 saddr {{ {', '.join(v6)} }} drop")
    lines += ["  }", "  chain output {", "    type filter hook output priority -200; policy accept;"]
    if ports:
        lines.append(f"    tcp sport {{ {ports} }} accept")
    if v4 or groups:
        lines.append(f"    ip daddr {{ {', '.join(v4 + list(groups))} }} drop")
    if v6:
        lines.append(f"    ip6 daddr {{ {', '.join(v6)} }} drop")
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def server_xml_groups(path):
    """The multicast groups of the McastService elements in a server.xml (Tomcat's default when no address is set)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return []
    groups = []
    for element in root.iter():
        if element.get("className", "").endswith(".McastService"):
            groups.append(element.get("address", "228.0.0.4"))
    return groups


def _check_params(module):
    p = module.params
    if p["state"] == "present" and not p["kind"]:
        _fail(module, "kind is required with state present: stop, kill, restart, freeze or partition.")
    for key in ("nft_table", "heal_unit"):
        if not NAME_RE.fullmatch(p[key]):
            _fail(module, f"{key} must be a plain name (letters, digits, '_', '-', '.'), got {p[key]!r}.")
    if p["service"] and not NAME_RE.fullmatch(p["service"]):
        _fail(module, f"service must be a systemd unit name, got {p['service']!r}.")
    if p["heal_after"] < 1 or p["kill_timeout"] < 1:
        _fail(module, "heal_after and kill_timeout must be whole seconds from 1.")
    if p["kind"] == "partition":
        if not p["drop_addresses"]:
            _fail(module, "a partition needs drop_addresses, the balancers' and the peers' IP addresses.")
        for address in p["drop_addresses"] + p["multicast_groups"]:
            if not re.fullmatch(r"[0-9A-Fa-f:.]+", address):
                _fail(module, f"{address!r} is not an IP address (drop_addresses, multicast_groups).")
        if any(not 1 <= port <= 65535 for port in p["keep_ports"]):
            _fail(module, f"keep_ports must be TCP ports, got {p['keep_ports']!r}.")


def _schedule_heal(module, command):
    _run(
        module,
        [
            "systemd-run",
            f"--unit={module.params['heal_unit']}",
            f"--on-active={module.params['heal_after']}s",
            "--timer-property=AccuracySec=1s",
            *command,
        ],
    )


def inject(module, service):
    p = module.params
    kind = p["kind"]
    if module.check_mode:
        module.exit_json(changed=True, service=service)
    if kind == "stop":
        started = time.time()
        _run(module, ["systemctl", "stop", service])
    elif kind == "kill":
        pid = _main_pid(module, service)
        if pid == 0:
            _fail(module, f"{service} is not running, so there is nothing to kill.")
        started = time.time()
        _run(module, ["systemctl", "kill", "--signal=SIGKILL", service])
        deadline = time.monotonic() + p["kill_timeout"]
        while _main_pid(module, service) == pid:
            if time.monotonic() > deadline:
                _fail(module, f"{service}'s process {pid} was still there {p['kill_timeout']} s after SIGKILL.")
            time.sleep(0.1)
    elif kind == "restart":
        started = time.time()
        _run(module, ["systemctl", "restart", service])
    elif kind == "freeze":
        _schedule_heal(module, ["/bin/systemctl", "kill", "--signal=SIGCONT", service])
        started = time.time()
        _run(module, ["systemctl", "kill", "--signal=SIGSTOP", service])
    else:
        nft = module.get_bin_path("nft", opt_dirs=["/usr/sbin"])
        if not nft:
            _fail(module, "a partition needs nft (Debian's nftables): install it first.")
        groups = list(dict.fromkeys(p["multicast_groups"] + server_xml_groups(f"/etc/{service}/server.xml")))
        ruleset = partition_ruleset(p["nft_table"], p["drop_addresses"], groups, p["keep_ports"])
        _schedule_heal(module, [nft, "delete", "table", "inet", p["nft_table"]])
        started = time.time()
        _run(module, [nft, "-f", "-"], data=ruleset)
    module.exit_json(changed=True, service=service, started=started, kind=kind)


def undo(module, service):
    p = module.params
    nft = module.get_bin_path("nft", opt_dirs=["/usr/sbin"])
    heal = p["heal_unit"]
    left = []
    if nft and module.run_command([nft, "list", "table", "inet", p["nft_table"]])[0] == 0:
        left.append("partition")
    pid = _main_pid(module, service)
    if pid and _frozen(pid):
        left.append("frozen")
    if module.run_command(["systemctl", "is-active", "--quiet", f"{heal}.timer"])[0] == 0:
        left.append("timer")
    if pid == 0:
        left.append("stopped")
    if not module.check_mode:
        if "partition" in left:
            _run(module, [nft, "delete", "table", "inet", p["nft_table"]])
        if "frozen" in left:
            _run(module, ["systemctl", "kill", "--signal=SIGCONT", service])
        # The transient units exist only while a fault is scheduled to heal; 5: no such unit.
        _run(module, ["systemctl", "stop", f"{heal}.timer", f"{heal}.service"], ok=(0, 5))
        if "stopped" in left:
            _run(module, ["systemctl", "start", service])
    module.exit_json(changed=bool(left), service=service, undone=left, started_service="stopped" in left)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type="str", required=True, choices=["present", "absent"]),
            kind=dict(type="str", choices=["stop", "kill", "restart", "freeze", "partition"]),
            service=dict(type="str", default=""),
            drop_addresses=dict(type="list", elements="str", default=[]),
            multicast_groups=dict(type="list", elements="str", default=[]),
            keep_ports=dict(type="list", elements="int", default=[22]),
            nft_table=dict(type="str", default="tomcat_ha_fault"),
            heal_after=dict(type="int", default=300),
            heal_unit=dict(type="str", default="tomcat-ha-fault-heal"),
            kill_timeout=dict(type="int", default=60),
        ),
        supports_check_mode=True,
    )
    _check_params(module)
    service = _unit(module)
    if module.params["state"] == "present":
        inject(module, service)
    undo(module, service)


if __name__ == "__main__":
    main()
