# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Build the lab's test applications: the shop's WAR variants, compiled offline from lab/apps/shop.

javac (Debian's JDK) compiles against the servlet API of Debian's Tomcat 10.1 with --release 17, so every WAR
runs on Tomcat 10.1 with JDK 17 (Debian 12) and on Tomcat 11 with JDK 21 (Debian 13). The same inputs give the
same bytes: entries sorted, fixed timestamps and modes. The digest of the inputs is the WAR's zip comment, and a
WAR whose comment matches is not built again.

    python lab/apps/build.py                 # every variant into build/apps/
    python lab/apps/build.py shop-inplace    # one
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
SHOP = HERE / "shop"
DEFAULT_OUT = HERE.parent.parent / "build" / "apps"
# The servlet API jars of Debian's libtomcat10-java and libtomcat11-java, in order of preference: 10.1's API is
# the one both Tomcats run.
SERVLET_API_JARS = ("/usr/share/java/tomcat10-servlet-api.jar", "/usr/share/java/tomcat11-servlet-api.jar")
PREREQ_HINT = "run scripts/prereq.sh --apps (as root: apt-get install default-jdk-headless libtomcat10-java)"
# Every entry's timestamp; the zip format cannot store times before 1980.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
COMMENT_PREFIX = "sessionlab-apps "

# name: (how AddServlet keeps the cart, <distributable/> or not, what the variant shows)
VARIANTS = {
    "shop": ("replicated", True, "a Serializable cart, set again after every change: replicates"),
    "shop-badfield": ("badfield", True, "a Serializable cart with a field that is not: fails when serialized"),
    "shop-notserializable": ("notserializable", True, "a cart class that is not Serializable"),
    "shop-inplace": ("inplace", True, "the cart changed in place without a new setAttribute: a lost update"),
    "shop-nondistributable": ("replicated", False, "no <distributable/>: a cluster does not replicate it"),
    "shop-v2": ("replicated", True, "the shop's next version (2): an upgrade of shop"),
    "shop-broken": ("replicated", True, "/health fails (its class is missing): a deploy its check refuses"),
}
# The version GET /version answers (sessionlab.shop.version); every other variant is version 1.
VERSIONS = {"shop-v2": "2", "shop-broken": "3"}
# shop-broken maps /health to a class the WAR lacks: Tomcat answers it with 500, then 404 (the servlet is unavailable),
# while the rest serves.
HEALTH_CLASSES = {"shop-broken": "sessionlab.shop.MissingHealthServlet"}


class BuildError(Exception):
    """A build that cannot run; the message is one sentence naming the problem and the fix."""


def _servlet_api() -> Path:
    for candidate in SERVLET_API_JARS:
        if os.path.isfile(candidate):
            return Path(candidate)
    raise BuildError(f"the servlet API jar is missing ({SERVLET_API_JARS[0]}): {PREREQ_HINT}.")


def _javac() -> str:
    javac = shutil.which("javac")
    if javac is None:
        raise BuildError(f"javac is not on PATH: {PREREQ_HINT}.")
    return javac


def _digest(parts) -> str:
    sha = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        sha.update(len(data).to_bytes(8, "big") + data)
    return sha.hexdigest()


def _sources() -> list[Path]:
    return sorted((SHOP / "src").rglob("*.java"))


def _compile_digest(javac: str, api: Path, sources: list[Path]) -> str:
    real_javac = os.path.realpath(javac)
    parts = [Path(__file__).read_bytes(), real_javac, os.stat(real_javac).st_size, api.read_bytes()]
    for source in sources:
        parts += [source.relative_to(SHOP).as_posix(), source.read_bytes()]
    return _digest(parts)


def _compile(javac: str, api: Path, sources: list[Path], digest: str, out_dir: Path) -> Path:
    """The compiled classes of these sources, compiled once per digest into out_dir/.classes."""
    classes = out_dir / ".classes"
    stamp = classes / ".digest"
    if stamp.is_file() and stamp.read_text() == digest:
        return classes
    shutil.rmtree(classes, ignore_errors=True)
    classes.mkdir(parents=True)
    command = [javac, "--release", "17", "-encoding", "UTF-8", "-Xlint:all,-serial", "-implicit:none"]
    command += ["-classpath", str(api), "-d", str(classes), *map(str, sources)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise BuildError(f"javac could not compile {SHOP / 'src'}: fix the errors it printed:\n{result.stderr}")
    stamp.write_text(digest)
    return classes


def _web_xml(variant: str) -> bytes:
    cart, distributable, description = VARIANTS[variant]
    text = Template((SHOP / "web.xml.in").read_text()).substitute(
        variant=variant,
        description=description,
        cart=cart,
        distributable="  <distributable/>\n" if distributable else "",
        version=VERSIONS.get(variant, "1"),
        health_class=HEALTH_CLASSES.get(variant, "sessionlab.shop.HealthServlet"),
    )
    return text.encode()


def _entries(classes: Path, web_xml: bytes) -> dict[str, bytes | None]:
    """Every entry of the WAR, name to content (None for a directory)."""
    entries: dict[str, bytes | None] = {
        "META-INF/": None,
        "META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\r\nCreated-By: sessionlab lab/apps/build.py\r\n\r\n",
        "WEB-INF/": None,
        "WEB-INF/web.xml": web_xml,
        "WEB-INF/classes/": None,
    }
    for path in classes.rglob("*"):
        if path.name == ".digest":
            continue
        name = "WEB-INF/classes/" + path.relative_to(classes).as_posix()
        entries[name + "/" if path.is_dir() else name] = None if path.is_dir() else path.read_bytes()
    return entries


def _write_war(path: Path, entries: dict[str, bytes | None], comment: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as war:
            for name in sorted(entries):
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.create_system = 3
                content = entries[name]
                if content is None:
                    info.external_attr = (0o40755 << 16) | 0x10
                    war.writestr(info, b"")
                else:
                    info.external_attr = 0o100644 << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    war.writestr(info, content, compresslevel=9)
            war.comment = comment.encode()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _built_digest(war: Path) -> str | None:
    try:
        with zipfile.ZipFile(war) as archive:
            comment = archive.comment.decode(errors="replace")
    except (OSError, zipfile.BadZipFile):
        return None
    return comment[len(COMMENT_PREFIX) :] if comment.startswith(COMMENT_PREFIX) else None


def build(variant: str, out_dir: Path | str = DEFAULT_OUT) -> Path:
    """Build the WAR of one variant into out_dir (unless it is up to date) and return its path."""
    if variant not in VARIANTS:
        raise BuildError(f"there is no application variant {variant!r}: use one of {', '.join(VARIANTS)}.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    javac, api, sources = _javac(), _servlet_api(), _sources()
    compile_digest = _compile_digest(javac, api, sources)
    web_xml = _web_xml(variant)
    digest = _digest([compile_digest, web_xml])
    war = out_dir / f"{variant}.war"
    if _built_digest(war) == digest:
        return war
    classes = _compile(javac, api, sources, compile_digest, out_dir)
    _write_war(war, _entries(classes, web_xml), COMMENT_PREFIX + digest)
    return war


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("variants", nargs="*", metavar="VARIANT", help=f"default: all ({', '.join(VARIANTS)})")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output directory (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        for variant in args.variants or VARIANTS:
            war = Path(args.out) / f"{variant}.war"
            before = war.stat().st_mtime_ns if war.exists() else None
            war = build(variant, args.out)
            state = "up to date" if before == war.stat().st_mtime_ns else "built"
            print(f"apps: {war} ({state})")
    except BuildError as exc:
        print(f"apps: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
