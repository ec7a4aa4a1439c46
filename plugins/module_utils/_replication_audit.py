# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Find the session attributes Tomcat could not replicate or persist, in the lines it logged.

Private helper (the leading underscore): the API may change without notice.
Pure functions only, shared by the replication_audit module and the unit tests.
Kept compatible with the oldest target Python ansible-core supports (no match statements, no X | Y types).

Tomcat logs every line of a message (an exception's stack included) as its own journal entry, so the
functions read a sequence of messages and pair a header with the exception line that follows it. The
messages are Tomcat's English ones (10.1 and 11.0); a JVM running in another language logs translations.
"""

from __future__ import annotations

import json
import re

KINDS = ("not_serializable", "filtered", "serialize_failed", "deserialize_failed")

_FRAME_RE = re.compile(r"^\s+(?:at |\.\.\. \d+ more)")
# An exception's own line: its class, then its message.
_EXCEPTION_RE = re.compile(
    r"^(?:Caused by: )?(?P<exception>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:Exception|Error))(?::\s?(?P<text>.*))?$"
)
# Exceptions of Java serialization itself, as opposed to a network or programming error.
_SERIAL_EXCEPTION_RE = re.compile(
    r"^java\.io\.(?:NotSerializable|InvalidClass|StreamCorrupted|WriteAborted|OptionalData|InvalidObject|EOF)Exception$"
    r"|^java\.lang\.(?:ClassNotFoundException|NoClassDefFoundError|ClassCastException)$"
)
# standardSession.setAttribute.iae: a distributable application stored a value that is not Serializable.
_IAE_RE = re.compile(r"^setAttribute: Non-serializable attribute \[(?P<attribute>.*)\]$")
# The header Tomcat writes before an exception a servlet threw.
_CONTEXT_HEADER_RE = re.compile(r"in context with path \[(?P<context>[^\]]*)\]")

# Lines that are a finding by themselves or with the exception line that follows them.


def _header(kind, pattern, serial_cause=False):
    """A line of kind; with serial_cause, it counts only when the exception after it is one of serialization."""
    return kind, re.compile(pattern), serial_cause


_HEADERS = (
    # managerBase.sessionAttributeValueClassNameFilter / sessionAttributeNameFilter
    _header(
        "filtered",
        r"^Skipped session attribute named \[(?P<attribute>.*?)\] because the value type \[(?P<class>[^\]]*)\]"
        r" did not match the filter \[(?P<filter>.*)\]$",
    ),
    _header(
        "filtered",
        r"^Skipped session attribute named \[(?P<attribute>.*?)\] because it did not match the name filter"
        r" \[(?P<filter>.*)\]$",
    ),
    # customObjectInputStream.nomatch: a class the filter does not allow, met while reading a session.
    _header(
        "filtered",
        r"^The class \[(?P<class>[^\]]*)\] did not match the regular expression \[(?P<filter>.*)\] for classes"
        r" allowed to be deserialized$",
    ),
    # deltaManager.createMessage.unableCreateDeltaRequest: a request's changes were not sent.
    _header("serialize_failed", r"^Unable to serialize delta request for sessionid \[(?P<session>[^\]]*)\]$"),
    # standardSession.notSerializable: a session written whole (state transfer, SESSIONS.ser, a Store).
    _header(
        "serialize_failed",
        r"^Cannot serialize session attribute \[(?P<attribute>.*)\] for session \[(?P<session>[^\]]*)\]$",
    ),
    _header("serialize_failed", r"^Cannot serialize Principal object for session \[(?P<session>[^\]]*)\]$"),
    _header("serialize_failed", r"^Error serializing Session \[(?P<session>[^\]]*)\]$"),
    _header("serialize_failed", r"^IOException while saving persisted sessions: \[(?P<cause>.*)\]$"),
    # standardManager.managerUnload (SESSIONS.ser).
    _header("serialize_failed", r"^Exception unloading sessions to persistent storage$", True),
    # BackupManager (AbstractReplicatedMap): counted only when the cause is serialization. After "Unable to
    # diff object" the whole object fails to serialize too, without another line.
    _header("serialize_failed", r"^Unable to diff object\. Will replicate the entire object instead\.$", True),
    _header(
        "serialize_failed",
        r"^Unable to replicate (?:data\.|out data for an AbstractReplicatedMap\.\w+ operation)$",
        True,
    ),
    # The receiving side: deltaManager.loading.*, deltaManager.receiveMessage.error, standardSession.notDeserializable.
    _header(
        "deserialize_failed",
        r"^(?:IOException|ClassNotFoundException) while loading persisted sessions: \[(?P<cause>.*)\]$",
    ),
    _header(
        "deserialize_failed", r"^Manager \[(?P<context>[^\]]*)\]: Unable to receive message through TCP channel$", True
    ),
    _header(
        "deserialize_failed",
        r"^Cannot deserialize session attribute \[(?P<attribute>.*)\] for session \[(?P<session>[^\]]*)\]$",
    ),
    _header("deserialize_failed", r"^Error deserializing Session \[(?P<session>[^\]]*)\]$"),
    # standardManager.loading.exception, standardManager.managerLoad (SESSIONS.ser).
    _header(
        "deserialize_failed",
        r"^Exception (?:while loading persisted sessions|loading sessions from persistent storage)$",
        True,
    ),
    _header(
        "deserialize_failed",
        r"^(?:Unable to deserialize MapMessage\.|Failed to deserialize MapMessage (?:key|value))$",
        True,
    ),
    _header("deserialize_failed", r"^Unable to apply diff to key:\[(?P<session>[^\]]*)\]$", True),
)
# DeltaManager logs a failed state transfer twice: "... while loading persisted sessions: [cause]", then
# "Manager [context]: Unable to receive message through TCP channel" with the same cause; one finding.
_RECEIVE_ERROR = "Unable to receive message through TCP channel"


def exception_class(exception, text):
    """The application class an exception line names, or None: the class that is not Serializable, that
    changed (InvalidClassException), or that is missing (ClassNotFoundException)."""
    short = exception.rsplit(".", 1)[-1]
    text = (text or "").strip()
    if short == "WriteAbortedException":
        # "writing aborted; java.io.NotSerializableException: sessionlab.shop.Catalog"
        inner = re.search(r"NotSerializableException: (\S+)", text)
        return inner.group(1) if inner else None
    if short in ("NotSerializableException", "ClassNotFoundException", "NoClassDefFoundError", "InvalidClassException"):
        name = text.split(";", 1)[0].strip().replace("/", ".")
        return name if re.match(r"^[\w$]+(?:\.[\w$]+)*$", name) else None
    return None


def _parse_exception(line):
    match = _EXCEPTION_RE.match(line)
    if not match:
        return None
    return match.group("exception"), match.group("text")


def _new_finding(kind, line, entry, fields):
    finding = dict.fromkeys(("attribute", "class", "session", "context", "exception", "caller"))
    finding.update({key: fields.get(key) for key in finding})
    finding.update(kind=kind, line=line, time=entry.get("time"), cursor=entry.get("cursor"))
    return finding


def _add_exception(finding, exception_line):
    """Record the exception line in the finding, and the class it names when the header named none."""
    exception, text = _parse_exception(exception_line)
    finding["exception"] = exception_line.replace("Caused by: ", "", 1)
    if finding["class"] is None:
        finding["class"] = exception_class(exception, text)


class _Audit:
    """Reads one message after the other and collects the findings."""

    def __init__(self):
        self.findings = []
        # A header finding waiting for the exception line that follows it, and whether it counts only when
        # that exception is one of serialization.
        self.pending, self.needs_serial = None, False
        # A header that carried its exception in itself: the exception line that follows only repeats it.
        self.repeat_follows = False
        # The finding whose stack frames follow (not_serializable looks in them for the application's frame).
        self.stack_owner, self.caller_next = None, False
        # The context of a servlet error header, for the exception line right after it.
        self.header_context = None
        # The last deserialize_failed finding, which an "Unable to receive message" header may repeat.
        self.mergeable = None

    def settle(self):
        if self.pending is not None and not self.needs_serial:
            self._append(self.pending)
        self.pending = None

    def _append(self, finding):
        self.findings.append(finding)
        self.mergeable = None

    def frame(self, line):
        owner = self.stack_owner
        if owner is None or owner["kind"] != "not_serializable" or owner["caller"] is not None:
            return
        frame = line.strip()[3:]
        if self.caller_next and not frame.startswith(("org.apache.catalina.", "jakarta.servlet.", "java.")):
            owner["caller"] = frame
        elif "StandardSessionFacade.setAttribute(" in frame:
            self.caller_next = True

    def exception(self, line, entry, exception, text):
        if self.pending is not None:
            finding, self.pending = self.pending, None
            if self.needs_serial and not _SERIAL_EXCEPTION_RE.match(exception):
                return
            _add_exception(finding, line)
            merge = self.mergeable
            if (
                merge is not None
                and finding["line"].endswith(_RECEIVE_ERROR)
                and merge["exception"] == finding["exception"]
            ):
                merge["context"] = merge["context"] or finding["context"]
                self.mergeable = None
                return
            self._append(finding)
            self.stack_owner = finding
            return
        if self.repeat_follows:
            self.repeat_follows = False
            return
        iae = _IAE_RE.match((text or "").strip()) if exception == "java.lang.IllegalArgumentException" else None
        if iae:
            finding = _new_finding(
                "not_serializable", line, entry, {"attribute": iae.group("attribute"), "context": self.header_context}
            )
            finding["exception"] = line.replace("Caused by: ", "", 1)
            self._append(finding)
            self.stack_owner = finding

    def header(self, line, entry):
        if not line.endswith(_RECEIVE_ERROR):
            self.mergeable = None
        context = _CONTEXT_HEADER_RE.search(line)
        self.header_context = context.group("context") if context else None
        for kind, pattern, needs_serial in _HEADERS:
            match = pattern.match(line)
            if match is None:
                continue
            fields = match.groupdict()
            finding = _new_finding(kind, line, entry, fields)
            cause = fields.get("cause")
            if cause is not None and _parse_exception(cause) is not None:
                _add_exception(finding, cause)
                self._append(finding)
                self.mergeable = finding if kind == "deserialize_failed" else None
                self.repeat_follows = True
            else:
                self.pending, self.needs_serial = finding, needs_serial
            return

    def read(self, entry):
        line = entry["message"].rstrip("\r\n")
        if _FRAME_RE.match(line):
            self.frame(line)
            return
        self.stack_owner, self.caller_next = None, False
        parsed = _parse_exception(line)
        if parsed is not None:
            self.exception(line, entry, *parsed)
            return
        self.settle()
        self.repeat_follows = False
        self.header(line, entry)


def audit_entries(entries):
    """Findings, in order, from journal entries: dicts with message (and optionally time, cursor).

    A finding is a dict: kind (one of KINDS), attribute, class, session, context (what the lines name, None
    where they do not), exception (the exception line that came with it), caller (for not_serializable, the
    application's frame that called setAttribute), line (Tomcat's line), time and cursor (of that line's entry,
    when the entries carry them).
    """
    audit = _Audit()
    for entry in entries:
        audit.read(entry)
    audit.settle()
    # A session written by this node and read back (SESSIONS.ser) names the class only where it was written.
    written = {
        (finding["session"], finding["attribute"]): finding["class"]
        for finding in audit.findings
        if finding["kind"] == "serialize_failed" and finding["attribute"] is not None
    }
    for finding in audit.findings:
        if finding["kind"] == "deserialize_failed" and finding["class"] is None:
            finding["class"] = written.get((finding["session"], finding["attribute"]))
    return audit.findings


def audit_lines(lines):
    """Findings from plain messages, one per line (journalctl -o cat)."""
    return audit_entries({"message": line} for line in lines)


def journal_entries(lines):
    """Entries from journalctl -o json output: message, time (epoch seconds) and cursor of each.

    Entries whose MESSAGE is not text (journald stores some as byte arrays) are decoded as UTF-8.
    """
    for raw in lines:
        raw = raw.strip()
        if not raw:
            continue
        record = json.loads(raw)
        message = record.get("MESSAGE")
        if isinstance(message, list):
            message = bytes(message).decode("utf-8", "replace")
        if message is None:
            continue
        stamp = record.get("__REALTIME_TIMESTAMP")
        yield {
            "message": message,
            "time": int(stamp) / 1e6 if stamp is not None else None,
            "cursor": record.get("__CURSOR"),
        }


def summarize(findings):
    """One entry per (attribute, class): how many findings of each kind, in how many sessions and contexts.

    Ordered by the number of findings, most first.
    """
    groups = {}
    for finding in findings:
        key = (finding["attribute"], finding["class"])
        group = groups.setdefault(
            key,
            {"attribute": key[0], "class": key[1], "findings": 0, "kinds": {}, "_sessions": set(), "_contexts": set()},
        )
        group["findings"] += 1
        group["kinds"][finding["kind"]] = group["kinds"].get(finding["kind"], 0) + 1
        if finding["session"] is not None:
            group["_sessions"].add(finding["session"])
        if finding["context"] is not None:
            group["_contexts"].add(finding["context"])
    summary = []
    for group in groups.values():
        group["sessions"] = len(group.pop("_sessions"))
        group["contexts"] = sorted(group.pop("_contexts"))
        summary.append(group)
    summary.sort(key=lambda group: (-group["findings"], str(group["attribute"]), str(group["class"])))
    return summary
