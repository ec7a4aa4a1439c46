# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The operator's applications to deploy (tomcat_ha_apps, the tomcat_apps role): checked, completed, inspected.

PRIVATE: only for this collection's own plugins (the leading underscore); the API may change without notice.
plan() checks the list as data (the topology action and the app_plan action); inspect() reads the WARs on the
controller, once every URL's WAR is in the cache. Every problem is an AppError whose message is one sentence that
names the application, the problem and the fix.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Mapping
from http.client import HTTPException
from urllib.error import HTTPError, URLError

from ansible.module_utils.urls import ConnectionError as UrlConnectionError
from ansible.module_utils.urls import open_url
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._war import WarError, read_war

# What an operator may give for an application, and what plan() adds (accepted back, and computed again).
KEYS = ("name", "context", "war", "url", "checksum", "version", "health_path", "health_status", "session_classes")
KEYS += ("state",)
COMPUTED = ("basename", "context_name", "health_url_path")
STATES = ("present", "absent")
DIGESTS = {"sha256": 64, "sha512": 128}
# A context path: "/" or segments of letters, digits and ._~- (not starting with a dot), each after one "/". Tomcat
# names the context's files after it with "#" for "/" and "##" before a version, so "#" is left out.
_SEGMENT = r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*"
_CONTEXT = re.compile(rf"(?:/|(?:/{_SEGMENT})+)\Z")
# Tomcat's parallel deployment version: the text after "##" in the context's name; it compares versions as text.
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._#-]*\Z")
# A path in the application for the health check, with an optional query.
_HEALTH = re.compile(r"/[A-Za-z0-9._~/%+-]*(?:\?[A-Za-z0-9._~/%+=&-]*)?\Z")
_CHUNK = 1024 * 1024


class AppError(ValueError):
    """An application that cannot be deployed as given; the message is one sentence."""


def _label(index, app):
    name = app.get("name") if isinstance(app, Mapping) else None
    context = app.get("context") if isinstance(app, Mapping) else None
    shown = name or context
    return f"application {index + 1} ({shown})" if isinstance(shown, str) and shown else f"application {index + 1}"


def basename(context, version=""):
    """Tomcat's base name of a context path and version: ROOT for "/", "/a/b" as a#b, "##version" after it."""
    base = "ROOT" if context == "/" else context[1:].replace("/", "#")
    return f"{base}##{version}" if version else base


def context_name(context, version=""):
    """Tomcat's name of the context in its log: the path ("" for the root), "##version" after it."""
    path = "" if context == "/" else context
    return f"{path}##{version}" if version else path


def _text(app, key, where, default=""):
    value = app.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise AppError(f"{where}: {key} must be a text, got {value!r}.")
    return str(value)


def _context(app, where):
    context = app.get("context")
    if not isinstance(context, str) or not context:
        raise AppError(f"{where}: context is required, the path the application serves such as /shop (/ for the root).")
    if not _CONTEXT.match(context) or "/../" in f"{context}/" or "/./" in f"{context}/":
        raise AppError(
            f"{where}: context {context!r} must be / or a path such as /shop or /shop/admin: a leading /, then "
            "letters, digits and ._~- (no spaces, no .. and no # or trailing /)."
        )
    if context == "/ROOT" or context.startswith("/ROOT/"):
        raise AppError(f"{where}: context {context} would share Tomcat's name ROOT with the root context: rename it.")
    return context


def _checksum(app, where):
    checksum = _text(app, "checksum", where)
    if not checksum:
        return "", ""
    algorithm, _sep, digest = checksum.partition(":")
    if algorithm.lower() not in DIGESTS or not re.fullmatch(rf"[0-9A-Fa-f]{{{DIGESTS[algorithm.lower()]}}}", digest):
        raise AppError(
            f"{where}: checksum {checksum!r} must be sha256: followed by 64 hex digits or sha512: followed by 128 "
            "(sha256sum or sha512sum of the WAR)."
        )
    return algorithm.lower(), digest.lower()


def _source(app, where, state, cache_dir):
    """(war, url, algorithm, digest): the WAR on the controller, or the URL and the WAR's place in the cache."""
    war, url = _text(app, "war", where), _text(app, "url", where)
    algorithm, digest = _checksum(app, where)
    if state == "absent":
        return war, url, algorithm, digest
    cached = f"{algorithm}-{digest}.war"
    # A planned URL application comes back with its place in the cache as its war.
    if war and url and os.path.basename(war) != cached:
        raise AppError(f"{where}: give war (a WAR on the controller) or url with its checksum, not both.")
    if url:
        if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", url):
            raise AppError(f"{where}: url {url!r} must be an http:// or https:// URL of the WAR.")
        if not algorithm:
            raise AppError(
                f"{where}: url {url} has no checksum: add checksum: sha256:<the WAR's sha256sum> (or sha512:), so "
                "that no other file is deployed than the one meant."
            )
        war = os.path.join(os.path.abspath(os.path.expanduser(cache_dir)), cached) if cache_dir else ""
        return war, url, algorithm, digest
    if not war:
        raise AppError(f"{where}: give war, the path of the WAR on the controller, or url with its checksum.")
    return os.path.abspath(os.path.expanduser(war)), "", algorithm, digest


def _health(app, where, context):
    path = _text(app, "health_path", where, "/")
    if not _HEALTH.match(path) or re.search(r"(^|/)\.\.?(/|\?|$)", path.split("?", maxsplit=1)[0]):
        raise AppError(
            f"{where}: health_path {path!r} must be a path in the application starting with /, such as /health "
            "(letters, digits and ._~/%+-, an optional query, no spaces and no ..)."
        )
    status = app.get("health_status", 200)
    statuses = status if isinstance(status, list) else [status]
    if not statuses or not all(isinstance(s, int) and not isinstance(s, bool) and 100 <= s <= 599 for s in statuses):
        raise AppError(f"{where}: health_status must be an HTTP status (100 to 599) or a list of them, got {status!r}.")
    full = path if context == "/" else f"{context}{path}"
    return path, statuses, full


def _classes(app, where):
    classes = app.get("session_classes") or []
    if not isinstance(classes, list):
        raise AppError(f"{where}: session_classes must be a list of regular expressions over class names.")
    for pattern in classes:
        if not isinstance(pattern, str) or not pattern or "\n" in pattern:
            raise AppError(f"{where}: session_classes must be regular expressions over class names, got {pattern!r}.")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise AppError(
                f"{where}: session_classes {pattern!r} is not a regular expression ({exc}): write the class names "
                r"as Java regular expressions, such as com\.example\.shop\.Cart or com\.example\.shop\..*."
            ) from None
    return list(classes)


def _one(index, app, cache_dir):
    where = f"tomcat_apps: {_label(index, app)}"
    if not isinstance(app, Mapping):
        raise AppError(f"{where} must be a mapping with context and war (or url and checksum), got {app!r}.")
    unknown = sorted(set(app) - set(KEYS) - set(COMPUTED))
    if unknown:
        raise AppError(f"{where}: unknown key {', '.join(unknown)}; the keys are {', '.join(KEYS)}.")
    state = _text(app, "state", where, "present")
    if state not in STATES:
        raise AppError(f"{where}: state must be present or absent, got {state!r}.")
    context = _context(app, where)
    version = _text(app, "version", where)
    if version and not _VERSION.match(version):
        raise AppError(
            f"{where}: version {version!r} cannot be a Tomcat version: use letters, digits and ._- starting with a "
            "letter or digit (no #, / or spaces), such as 2 or 2026.12.07."
        )
    name = _text(app, "name", where) or basename(context)
    if not _NAME.match(name) or "##" in name:
        raise AppError(
            f"{where}: name {name!r} must start with a letter or digit, followed by letters, digits and ._#- (no ##)."
        )
    war, url, algorithm, digest = _source(app, where, state, cache_dir)
    health_path, statuses, health_url_path = _health(app, where, context)
    return {
        "name": name,
        "context": context,
        "version": version,
        "state": state,
        "war": war,
        "url": url,
        "checksum": f"{algorithm}:{digest}" if algorithm else "",
        "health_path": health_path,
        "health_status": statuses,
        "session_classes": _classes(app, where),
        "basename": basename(context, version),
        "context_name": context_name(context, version),
        "health_url_path": health_url_path,
    }


def plan(apps, *, test_page=False, cache_dir=""):
    """The applications checked as data and completed; AppError with one sentence for the first problem.

    test_page: the collection's test page serves "/", so no application may take it. cache_dir: where a URL's WAR
    is kept on the controller (its war); "" leaves war empty for a URL.
    """
    if apps is None:
        return []
    if not isinstance(apps, list):
        raise AppError(f"tomcat_apps: the applications must be a list of mappings, got {apps!r}.")
    planned = [_one(index, app, cache_dir) for index, app in enumerate(apps)]
    seen_context, seen_name = {}, {}
    for app in planned:
        other = seen_context.setdefault(app["context"], app["name"])
        if other != app["name"]:
            raise AppError(
                f"tomcat_apps: {other} and {app['name']} both take the context {app['context']}: give each "
                "application a context of its own (a new version of one is its version, not a second entry)."
            )
        if seen_name.setdefault(app["name"], app["context"]) != app["context"]:
            raise AppError(f"tomcat_apps: two applications are named {app['name']}: give each a name of its own.")
        if test_page and app["context"] == "/" and app["state"] == "present":
            raise AppError(
                f"tomcat_apps: {app['name']} takes the context / that the test page serves: set tomcat_ha_test_page "
                "to false to put it in its place, or give it another context."
            )
    return planned


def session_classes(planned):
    """Every present application's session attribute class patterns, in order, once each."""
    found = []
    for app in planned:
        if app["state"] == "present":
            found += [p for p in app["session_classes"] if p not in found]
    return found


def _digest(path, algorithm):
    digest = hashlib.new(algorithm)
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inspect(planned, *, cluster=False):
    """The planned applications with their WAR's sha256 and what it declares, read on the controller.

    AppError for a WAR that is missing, is not a WAR, does not match its checksum, or is not distributable while
    cluster is true (a cluster would not replicate its sessions).
    """
    inspected = []
    for app in planned:
        app = dict(app)
        if app["state"] == "present":
            where = f"tomcat_apps: {app['name']}"
            source = app["url"] or app["war"]
            try:
                info = read_war(app["war"])
            except WarError as exc:
                raise AppError(f"{where}: {exc}") from None
            app["sha256"] = _digest(app["war"], "sha256")
            if app["checksum"]:
                algorithm, expected = app["checksum"].split(":")
                got = app["sha256"] if algorithm == "sha256" else _digest(app["war"], algorithm)
                if got != expected:
                    raise AppError(
                        f"{where}: {source} does not match its checksum ({algorithm}:{expected[:16]}..., the file's is "
                        f"{algorithm}:{got[:16]}...): give the checksum of the WAR meant, or the WAR."
                    )
            app["distributable"] = info["distributable"]
            if cluster and not info["distributable"]:
                raise AppError(
                    f"{where}: {source} is not distributable (its WEB-INF/web.xml, or a web fragment it uses, has no "
                    "<distributable/>), so the cluster would not replicate its sessions: add <distributable/> and "
                    "rebuild it, or choose a strategy without a cluster."
                )
        inspected.append(app)
    return inspected


def fetch(app, *, timeout=60, validate_certs=True):
    """Put a URL application's WAR in its place in the cache (its war), checked against its checksum on the way.

    A file already there with that checksum is kept. Returns whether the WAR was downloaded; AppError with one
    sentence when it cannot be, or does not match (nothing is left in the cache then).
    """
    if app["state"] != "present" or not app["url"]:
        return False
    algorithm, expected = app["checksum"].split(":")
    path = app["war"]
    if os.path.isfile(path) and _digest(path, algorithm) == expected:
        return False
    where = f"tomcat_apps: {app['name']}"
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=directory, prefix=".download-")
    except OSError as exc:
        raise AppError(
            f"{where}: the cache {directory} cannot be written ({exc.strerror or exc}): set tomcat_apps_cache_dir."
        ) from None
    digest = hashlib.new(algorithm)
    try:
        with os.fdopen(fd, "wb") as out, open_url(app["url"], timeout=timeout, validate_certs=validate_certs) as answer:
            for chunk in iter(lambda: answer.read(_CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected:
            raise AppError(
                f"{where}: {app['url']} does not match its checksum ({algorithm}:{expected[:16]}..., the download's is "
                f"{algorithm}:{digest.hexdigest()[:16]}...): give the checksum of the WAR meant, or its URL."
            )
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    except AppError:
        raise
    except HTTPError as exc:
        raise AppError(f"{where}: {app['url']} answered HTTP {exc.code} ({exc.reason}): check the URL.") from None
    except (URLError, UrlConnectionError, HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc
        raise AppError(f"{where}: {app['url']} could not be fetched ({reason}): check the URL.") from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return True


def releases(inspected, releases_dir):
    """The inspected applications with where each present one's release lives on a backend and its context descriptor.

    release: <releases_dir>/<name>/<sha256>, the WAR unpacked (Tomcat's docBase); descriptor_file and descriptor: the
    descriptor in the Host's configBase that puts it live (its content names the file, so equal content is the same
    file at the same release).
    """
    if not isinstance(releases_dir, str) or not re.fullmatch(r"(/[A-Za-z0-9_][A-Za-z0-9._-]*)+", releases_dir):
        raise AppError(
            f"tomcat_apps: tomcat_apps_dir {releases_dir!r} must be an absolute path of letters, digits and ._- (no "
            "spaces, no . or .. and no trailing /), such as /var/lib/tomcat_ha/apps."
        )
    placed = []
    for app in inspected:
        app = dict(app)
        if app["state"] == "present":
            app["release"] = f"{releases_dir}/{app['name']}/{app['sha256']}"
            app["descriptor_file"] = f"{app['basename']}.xml"
            version = f", version {app['version']}" if app["version"] else ""
            app["descriptor"] = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<!-- {app['descriptor_file']}: {app['name']} ({app['context']}{version}), release {app['sha256']}; "
                "written by sessionlab.tomcat_ha.tomcat_apps -->\n"
                f'<Context docBase="{app["release"]}"/>\n'
            )
        placed.append(app)
    return placed
