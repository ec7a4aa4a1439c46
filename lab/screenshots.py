"""Screenshots of the test page in a real browser: headless Chromium (Debian's package) driven by Playwright.

One Browser per experiment keeps one browser context, so its cookies persist the way a user's browser keeps
them: the "before" page and the "during the fault" page are two loads with the same JSESSIONID (and ROUTEID).
make lab hands those cookies to verify.yml's probe (tomcat_ha_probe_cookies), so the fault hits the backend
that serves the browser's session.
Nothing is downloaded: Playwright drives the Chromium at CHROMIUM (or /usr/bin/chromium).
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Chromium on a machine without outside access: no background fetches, no sandbox as root, no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 960, "height": 420}


def missing() -> str | None:
    """Why screenshots cannot be taken on this machine, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError:
        return "Playwright is not installed (make lab installs it unless SCREENSHOTS=0)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (make lab installs Debian's chromium unless SCREENSHOTS=0)"
    return None


class Browser:
    """A headless Chromium with one context; shot() loads a URL and saves a PNG, errors kept, not raised."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415

        self._driver = sync_playwright().start()
        self._browser = self._driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.context = self._browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)

    def shot(self, url: str, path: Path, *, timeout_s: float = 15) -> dict:
        """Load url and save a screenshot; return {file, status, error} (error is None when it loaded)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        status, error = None, None
        try:
            response = self.page.goto(url, timeout=timeout_s * 1000, wait_until="load")
            status = response.status if response else None
        except Exception as exc:  # noqa: BLE001 - a failed load is a result (the error page is what a user sees)
            error = str(exc).splitlines()[0]
        try:
            self.page.screenshot(path=str(path), full_page=True)
        except Exception as exc:  # noqa: BLE001
            return {"file": None, "status": status, "error": error or str(exc).splitlines()[0]}
        return {"file": path.name, "status": status, "error": error}

    def set_cookies(self, url: str, cookies: dict[str, str]) -> None:
        """Replace the context's cookies with these, for url's site (the probe's jar, handed over in turn)."""
        self.context.clear_cookies()
        if cookies:
            self.context.add_cookies([{"name": k, "value": v, "url": url} for k, v in cookies.items()])

    def cookies(self) -> dict[str, str]:
        """The context's cookies, name to value (what the browser would send back to the balancer)."""
        return {c["name"]: c["value"] for c in self.context.cookies()}

    def close(self) -> None:
        try:
            self._browser.close()
        finally:
            self._driver.stop()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
