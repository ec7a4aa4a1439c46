# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read a web application archive (WAR) on the controller: is it distributable, and what does it declare.

PRIVATE: only for this collection's own plugins (the leading underscore); the API may change without notice.
Every problem is a WarError whose message is one sentence naming the file, the problem and the fix.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from xml.etree import ElementTree

WEB_XML = "WEB-INF/web.xml"
FRAGMENT_XML = "META-INF/web-fragment.xml"
JAKARTA_NAMESPACE = "https://jakarta.ee/xml/ns/jakartaee"
# A descriptor larger than this is not a descriptor (and is not read into memory).
MAX_DESCRIPTOR_BYTES = 4 * 1024 * 1024


class WarError(Exception):
    """A WAR that cannot be read; the message is one sentence."""


def _split(tag):
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        namespace, _sep, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _children(element, name):
    return [child for child in element if isinstance(child.tag, str) and _split(child.tag)[1] == name]


def _text(element, name):
    found = _children(element, name)
    return (found[0].text or "").strip() if found else None


def _parse(data, where, root_name, fix):
    """The root element of a descriptor's bytes, checked to be root_name."""
    if len(data) > MAX_DESCRIPTOR_BYTES:
        raise WarError(
            f"{where} is larger than {MAX_DESCRIPTOR_BYTES // 1024 // 1024} MiB, too large for a descriptor: {fix}."
        )
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise WarError(f"{where} is not well-formed XML ({exc}): {fix}.") from exc
    namespace, local = _split(root.tag)
    if local != root_name:
        raise WarError(f"{where} has the root element <{local}>, not <{root_name}>: {fix}.")
    return root, namespace


def _read_member(archive, name, where, fix):
    info = archive.getinfo(name)
    if info.file_size > MAX_DESCRIPTOR_BYTES:
        raise WarError(
            f"{where} is larger than {MAX_DESCRIPTOR_BYTES // 1024 // 1024} MiB, too large for a descriptor: {fix}."
        )
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, ValueError, EOFError) as exc:
        raise WarError(f"{where} cannot be read from the archive ({exc}): {fix}.") from exc


def _fragment(war, archive, jar_name):
    """The web-fragment.xml of one WEB-INF/lib jar, or None when it has none."""
    where = f"{jar_name}!/{FRAGMENT_XML} in {war}"
    fix = f"rebuild {war} with a valid {jar_name}"
    try:
        with archive.open(jar_name) as raw, zipfile.ZipFile(raw) as jar:
            if FRAGMENT_XML not in jar.namelist():
                return None
            data = _read_member(jar, FRAGMENT_XML, where, fix)
    except zipfile.BadZipFile as exc:
        raise WarError(f"{jar_name} in {war} is not a jar (zip) archive ({exc}): {fix}.") from exc
    root = _parse(data, where, "web-fragment", fix)[0]
    return {"jar": jar_name, "name": _text(root, "name"), "distributable": bool(_children(root, "distributable"))}


def _ordering(root):
    """The fragment names <absolute-ordering> lets in, and whether <others/> lets in the rest; None without it."""
    orderings = _children(root, "absolute-ordering")
    if not orderings:
        return None
    return {(name.text or "").strip() for name in _children(orderings[0], "name")}, bool(
        _children(orderings[0], "others")
    )


def read_war(path):
    """What a WAR declares about itself, as a dict (see the war_info filter's documentation)."""
    war = os.fspath(path)
    if not os.path.exists(war):
        raise WarError(f"{war} does not exist: give the path of a WAR on the controller.")
    if not os.path.isfile(war):
        raise WarError(f"{war} is not a file: give the path of a WAR (a zip archive) on the controller.")
    try:
        archive = zipfile.ZipFile(war)
    except zipfile.BadZipFile as exc:
        raise WarError(f"{war} is not a zip archive ({exc}), so not a WAR: give the path of a WAR.") from exc
    except OSError as exc:
        raise WarError(f"{war} cannot be read ({exc.strerror or exc}): check its permissions.") from exc
    with archive:
        names = archive.namelist()
        if not any(name.startswith("WEB-INF/") for name in names):
            raise WarError(f"{war} is a zip archive without WEB-INF/, so not a WAR: give the path of a WAR.")
        fix = f"fix {WEB_XML} and rebuild {war}"
        if WEB_XML in names:
            root, namespace = _parse(
                _read_member(archive, WEB_XML, f"{WEB_XML} in {war}", fix), f"{WEB_XML} in {war}", "web-app", fix
            )
            web_xml = {
                "namespace": namespace or None,
                "version": root.get("version"),
                "display_name": _text(root, "display-name"),
                "distributable": bool(_children(root, "distributable")),
                "metadata_complete": (root.get("metadata-complete") or "").strip().lower() == "true",
            }
            ordering = _ordering(root)
        else:
            # Servlet 3.0 and later: a WAR may do without web.xml, and is then not distributable.
            web_xml = dict.fromkeys(("namespace", "version", "display_name"), None)
            web_xml.update(distributable=False, metadata_complete=False)
            ordering = None
        jars = sorted(n for n in names if n.startswith("WEB-INF/lib/") and n.endswith(".jar") and n.count("/") == 2)
        fragments = [f for f in (_fragment(war, archive, jar) for jar in jars) if f is not None]
    for fragment in fragments:
        # A metadata-complete web.xml makes Tomcat skip the fragments; <absolute-ordering> keeps only those it names.
        fragment["used"] = not web_xml["metadata_complete"] and (
            ordering is None or fragment["name"] in ordering[0] or ordering[1]
        )
    # Tomcat merges <distributable/> as the Servlet specification says: every descriptor in use must have it.
    distributable = web_xml["distributable"] and all(f["distributable"] for f in fragments if f["used"])
    return {
        "path": war,
        "web_xml": WEB_XML in names,
        "distributable": distributable,
        "web_xml_distributable": web_xml["distributable"],
        "namespace": web_xml["namespace"],
        "jakarta": web_xml["namespace"] == JAKARTA_NAMESPACE,
        "version": web_xml["version"],
        "display_name": web_xml["display_name"],
        "metadata_complete": web_xml["metadata_complete"],
        "fragments": fragments,
    }
