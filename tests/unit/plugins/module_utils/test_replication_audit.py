# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The replication audit on what Tomcat 10.1.60 really logged (replication_audit/README.md says where each file
came from), and on lines that must not be findings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._replication_audit import (
    audit_entries,
    audit_lines,
    exception_class,
    journal_entries,
    summarize,
)

FIXTURES = Path(__file__).parent / "replication_audit"
BADFIELD = ("A1EDF821402E511064FE9E1F78ACCD06.tomcat1", "3CC7AFA54605BB7D69F0FDE89F9283E1.tomcat2")
BOB = "EF02A9E6907140DEE34AACF2FF978D78.tomcat1"
CAUGHT = "sessionlab.shop.AddServlet.doPost(AddServlet.java:65)"
IAE = "java.lang.IllegalArgumentException: setAttribute: Non-serializable attribute [cart]"
NSE = "java.io.NotSerializableException: sessionlab.shop.Catalog"
CHANGED = (
    "java.io.InvalidClassException: sessionlab.shop.Cart; local class incompatible: stream classdesc serialVersionUID"
    " = 1, local class serialVersionUID = 2"
)


def read(name):
    return audit_lines((FIXTURES / name).read_text().splitlines())


def kinds(findings):
    return Counter((f["kind"], f["attribute"], f["class"], f["context"]) for f in findings)


def test_delta_manager_sender():
    findings = read("tomcat-10.1.60-delta-backend1.log")
    assert kinds(findings) == {
        ("filtered", "cart", "sessionlab.shop.Cart", None): 3,
        ("filtered", "cart", "sessionlab.shop.CatalogCart", None): 2,
        ("filtered", "cart", "sessionlab.shop.PlainCart", None): 4,
        ("serialize_failed", None, "sessionlab.shop.Catalog", None): 5,
        ("serialize_failed", "cart", "sessionlab.shop.Catalog", None): 3,
        ("not_serializable", "cart", None, "/shop-notserializable"): 1,
    }
    delta = [f for f in findings if f["line"].startswith("Unable to serialize delta request")]
    assert [f["session"] for f in delta] == [BADFIELD[0], BADFIELD[1], BADFIELD[1], BOB, BOB]
    assert {f["exception"] for f in delta} == {NSE}
    # The state transfer to a node that restarted: every badfield session, each named.
    transfer = [f for f in findings if f["line"].startswith("Cannot serialize session attribute")]
    assert [f["session"] for f in transfer] == [BOB, *BADFIELD]
    refused = next(f for f in findings if f["kind"] == "not_serializable")
    assert refused["exception"] == IAE and refused["caller"] == CAUGHT
    filtered = findings[0]
    assert filtered["line"] == (
        r"Skipped session attribute named [cart] because the value type [sessionlab.shop.Cart] did not match the"
        r" filter [^java\.lang\.(?:Integer|String)$]"
    )
    assert filtered["exception"] is None and filtered["session"] is None


def test_delta_manager_receiver():
    findings = read("tomcat-10.1.60-delta-backend2.log")
    assert kinds(findings) == {
        ("filtered", "cart", "sessionlab.shop.Cart", None): 4,
        ("filtered", "cart", "sessionlab.shop.CatalogCart", None): 2,
        ("filtered", "cart", "sessionlab.shop.PlainCart", None): 3,
        ("serialize_failed", None, "sessionlab.shop.Catalog", None): 3,
        ("not_serializable", "cart", None, "/shop-notserializable"): 2,
        # The state transfer cut short by the sender's failure, logged twice by Tomcat, one finding.
        ("deserialize_failed", None, None, "/shop-badfield"): 1,
        # A changed serialVersionUID: the state transfer, then two deltas.
        ("deserialize_failed", None, "sessionlab.shop.Cart", "/shop"): 3,
    }
    received = [f for f in findings if f["kind"] == "deserialize_failed"]
    assert received[0]["exception"] == "java.io.StreamCorruptedException: invalid type code: 00"
    assert (
        received[0]["line"]
        == "IOException while loading persisted sessions: [java.io.StreamCorruptedException: invalid type code: 00]"
    )
    assert [f["exception"] for f in received[1:]] == [CHANGED] * 3
    assert [f["line"] for f in received[2:]] == ["Manager [/shop]: Unable to receive message through TCP channel"] * 2


def test_backup_manager():
    sender = read("tomcat-10.1.60-backup-backend1.log")
    assert kinds(sender) == {
        ("serialize_failed", None, "sessionlab.shop.Catalog", None): 2,
        ("not_serializable", "cart", None, "/shop-notserializable"): 1,
    }
    receiver = read("tomcat-10.1.60-backup-backend2.log")
    assert kinds(receiver) == {
        ("serialize_failed", None, "sessionlab.shop.Catalog", None): 1,
        ("not_serializable", "cart", None, "/shop-notserializable"): 2,
        ("deserialize_failed", None, "sessionlab.shop.Cart", None): 3,
    }
    received = [f for f in receiver if f["kind"] == "deserialize_failed"]
    session = "13361DAC0FA7AB0C62C9658DAFF02B7A.tomcat1"
    assert [f["session"] for f in received] == [None, session, session]
    assert received[0]["line"] == "Unable to deserialize MapMessage."


def test_standard_manager_round_trip():
    findings = read("tomcat-10.1.60-standard.log")
    session = "7BF7A6D154CBA9ED254BF8822C89A9BE.tomcat1"
    assert [(f["kind"], f["attribute"], f["class"], f["session"], f["context"]) for f in findings] == [
        ("not_serializable", "cart", None, None, "/shop-notserializable"),
        ("not_serializable", "cart", None, None, "/shop-notserializable"),
        ("serialize_failed", "cart", "sessionlab.shop.Catalog", session, None),
        # Read back without the class in its line: named from where the same node wrote it.
        ("deserialize_failed", "cart", "sessionlab.shop.Catalog", session, None),
        ("not_serializable", "cart", None, None, "/shop-notserializable"),
    ]
    assert findings[3]["exception"] is None


def test_standard_manager_with_a_class_filter_reads_nothing_back():
    findings = read("tomcat-10.1.60-standard-filter.log")
    assert kinds(findings) == {
        ("not_serializable", "cart", None, "/shop-notserializable"): 2,
        ("serialize_failed", "cart", "sessionlab.shop.Catalog", None): 1,
        # The filter also applies to the classes inside a value when SESSIONS.ser is read: every context lost all.
        ("filtered", None, "java.lang.Number", None): 5,
        ("deserialize_failed", None, None, None): 5,
    }


def test_journal_json_gives_the_same_findings_with_time_and_cursor():
    path = FIXTURES / "tomcat-10.1.60-delta-backend2-class-changed.json"
    entries = list(journal_entries(path.read_text().splitlines()))
    findings = audit_entries(entries)
    plain = audit_lines(entry["message"] for entry in entries)
    assert [{**f, "time": None, "cursor": None} for f in findings] == plain
    assert len(findings) == 3
    assert findings[0]["time"] == pytest.approx(1796629290.0, abs=600)
    assert findings[0]["cursor"].startswith("s=") and ";i=" in findings[0]["cursor"]
    assert [f["time"] for f in findings] == sorted(f["time"] for f in findings)


def test_journal_json_decodes_byte_array_messages_and_skips_empty_lines():
    lines = ['{"MESSAGE": [83, 107, 105, 112], "__REALTIME_TIMESTAMP": "1000000", "__CURSOR": "c"}', "", '{"X": 1}']
    assert list(journal_entries(lines)) == [{"message": "Skip", "time": 1.0, "cursor": "c"}]


@pytest.mark.parametrize(
    "lines",
    [
        # What Tomcat logs while deploying a WAR it cannot expand, and around a restart.
        [
            "Exception fixing docBase for context [/shop]",
            "java.io.IOException: Unable to create the directory [/data/webapps/shop]",
            "    at org.apache.catalina.startup.ExpandWar.expand(ExpandWar.java:114)",
            "Manager [/shop] expiring sessions upon shutdown",
            "Manager [/shop]; session state sent at [12/7/26, 7:41 AM] received in [107] ms.",
        ],
        # A receive error whose cause is not serialization.
        [
            "Manager [/shop]: Unable to receive message through TCP channel",
            'java.lang.NullPointerException: Cannot invoke "Object.toString()"',
            "    at org.apache.catalina.ha.session.DeltaManager.messageReceived(DeltaManager.java:1249)",
        ],
        # BackupManager's network trouble.
        ["Unable to replicate data.", "java.net.SocketTimeoutException: Read timed out"],
        ["Unable to diff object. Will replicate the entire object instead.", "java.lang.IllegalStateException: x"],
        # Another IllegalArgumentException, and a serialization exception with no Tomcat line before it.
        [
            "Servlet.service() for servlet [add] in context with path [/shop] threw exception",
            "java.lang.IllegalArgumentException: setAttribute: null name",
        ],
        [NSE, "    at java.base/java.io.ObjectOutputStream.writeObject0(ObjectOutputStream.java:1187)"],
        # Lines that only look alike.
        ["Skipped session attribute named [cart]", "INFO: Cannot serialize session attribute [cart] for session [x]"],
        [],
    ],
)
def test_lines_that_are_not_findings(lines):
    assert audit_lines(lines) == []


def test_a_jsp_root_cause_and_a_caused_by_each_count_once():
    findings = audit_lines(
        [
            "Servlet.service() for servlet [jsp] in context with path [/app] threw exception"
            " [jakarta.servlet.ServletException: java.lang.IllegalArgumentException: setAttribute:"
            " Non-serializable attribute [basket]] with root cause",
            "java.lang.IllegalArgumentException: setAttribute: Non-serializable attribute [basket]",
            "    at org.apache.catalina.session.StandardSession.setAttribute(StandardSession.java:1001)",
            "    at org.apache.catalina.session.StandardSessionFacade.setAttribute(StandardSessionFacade.java:101)",
            "    at org.apache.jsp.cart_jsp._jspService(cart_jsp.java:131)",
            "Servlet.service() for servlet [app] in context with path [] threw exception",
            "jakarta.servlet.ServletException: wrapped",
            "    at example.Front.doGet(Front.java:10)",
            "Caused by: java.lang.IllegalArgumentException: setAttribute: Non-serializable attribute [token]",
            "    ... 20 more",
        ]
    )
    assert [(f["attribute"], f["context"], f["caller"], f["exception"]) for f in findings] == [
        ("basket", "/app", "org.apache.jsp.cart_jsp._jspService(cart_jsp.java:131)", findings[0]["line"]),
        ("token", "", None, "java.lang.IllegalArgumentException: setAttribute: Non-serializable attribute [token]"),
    ]


def test_a_header_without_its_exception_still_counts_when_it_names_the_failure():
    findings = audit_lines(
        [
            "Cannot deserialize session attribute [cart] for session [S1]",
            "Deployment of web application archive [/data/webapps/shop.war] has finished in [2,862] ms",
            "Unable to apply diff to key:[S2]",
            "Deployment of web application archive [/data/webapps/x.war] has finished in [1] ms",
        ]
    )
    assert [(f["kind"], f["attribute"], f["session"]) for f in findings] == [("deserialize_failed", "cart", "S1")]


@pytest.mark.parametrize(
    ("exception", "text", "expected"),
    [
        ("java.io.NotSerializableException", "sessionlab.shop.Catalog", "sessionlab.shop.Catalog"),
        (
            "java.io.InvalidClassException",
            "a.B; local class incompatible: stream classdesc serialVersionUID = 1",
            "a.B",
        ),
        ("java.lang.ClassNotFoundException", "com.example.Gone", "com.example.Gone"),
        ("java.lang.NoClassDefFoundError", "com/example/Gone", "com.example.Gone"),
        ("java.io.WriteAbortedException", "writing aborted; java.io.NotSerializableException: a.B", "a.B"),
        (
            "java.io.InvalidClassException",
            "The class [java.lang.Number] did not match the regular expression [x]",
            None,
        ),
        ("java.io.StreamCorruptedException", "invalid type code: 00", None),
        ("java.io.NotSerializableException", None, None),
    ],
)
def test_exception_class(exception, text, expected):
    assert exception_class(exception, text) == expected


def test_summary_groups_by_attribute_and_class_most_first():
    summary = summarize(read("tomcat-10.1.60-delta-backend1.log"))
    assert [(s["attribute"], s["class"], s["findings"]) for s in summary] == [
        (None, "sessionlab.shop.Catalog", 5),
        ("cart", "sessionlab.shop.PlainCart", 4),
        ("cart", "sessionlab.shop.Cart", 3),
        ("cart", "sessionlab.shop.Catalog", 3),
        ("cart", "sessionlab.shop.CatalogCart", 2),
        ("cart", None, 1),
    ]
    assert summary[0]["kinds"] == {"serialize_failed": 5} and summary[0]["sessions"] == 3
    assert summary[-1]["contexts"] == ["/shop-notserializable"] and summary[-1]["sessions"] == 0
    assert summarize([]) == []


def test_tomcat_11_logs_the_same_lines():
    alice, bob = "9A5C0BD3DB1FB09C8B8BB3BCC8C8218E.tomcat1", "E464AC6906AF04EADA9240E7DC4B00F7.tomcat1"
    sender = read("tomcat-11.0.22-delta-backend1.log")
    assert [(f["kind"], f["attribute"], f["session"]) for f in sender] == [
        ("serialize_failed", None, alice),
        ("not_serializable", "cart", None),
        ("not_serializable", "cart", None),
        ("serialize_failed", None, bob),
        ("serialize_failed", None, bob),
        ("serialize_failed", "cart", alice),
        ("serialize_failed", "cart", bob),
    ]
    assert {f["class"] for f in sender if f["kind"] == "serialize_failed"} == {"sessionlab.shop.Catalog"}
    receiver = read("tomcat-11.0.22-delta-backend2.log")
    assert kinds(receiver) == {
        ("serialize_failed", None, "sessionlab.shop.Catalog", None): 2,
        ("not_serializable", "cart", None, "/shop-notserializable"): 1,
        ("deserialize_failed", None, None, "/shop-badfield"): 1,
    }
