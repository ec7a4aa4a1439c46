"""index.html in a real browser: a small sample report opened in headless Chromium through Playwright.

The tests that open it are marked browser: make unit-browser (in make test) installs Debian's chromium and the
pinned Playwright (make browser) and runs them; without them they fail with the reason, they are not skipped.
"""

from __future__ import annotations

import json

import pytest
from test_report import result

from lab import report, screenshots

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>page</title>
<link rel="icon" href="data:,"></head>
<body style="font: 28px sans-serif"><div>On <span id="server-name">{server}</span></div></body></html>"""


@pytest.fixture(scope="module")
def browser():
    reason = screenshots.missing()
    assert reason is None, f"the browser tests need Chromium and Playwright: {reason}; run make browser"
    with screenshots.Browser() as b:
        yield b


@pytest.fixture(scope="module")
def sample(tmp_path_factory, browser):
    """A report directory as make lab then make faults leave it: two lab runs with screenshots taken by
    Chromium, one run that failed to provision, and a fault matrix of two cells."""
    out = tmp_path_factory.mktemp("lab-report")
    runs = [result(strategy="cluster", fault="stop"), result(matched=False, strategy="none", fault="stop")]
    for run in runs:
        name = run["experiment"]
        shots = {}
        for key, server in (("before", "backend1.qyh.com"), ("during", "backend2.qyh.com")):
            page = out / f"{name}.{key}.html"
            page.write_text(PAGE.format(server=server))
            shots[key] = {"label": key, **browser.shot(page.as_uri(), out / "screenshots" / f"{name}.{key}.png")}
            page.unlink()
        run["screenshots"] = shots
        (out / "results").mkdir(exist_ok=True)
        (out / "results" / f"{name}.json").write_text(json.dumps(run))
    failed = {"experiment": "3-httpd-<sticky>", "balancer": "httpd", "strategy": "sticky", "fault": "stop"}
    failed["error"] = "provision failed, read logs/3-httpd-sticky.provision.log"
    report.write_report([*runs, failed], out, {"total": 12.0}, title="Session persistence lab report")
    cells = [result(strategy="cluster", fault="kill"), result(strategy="cluster", fault="freeze")]
    report.write_report(cells, out, {"total": 30.0}, name="faults", title="Fault matrix", screenshots_skipped="off")
    return out, report.write_index(out)


@pytest.mark.browser
def test_the_page_shows_every_row_and_the_matrix(browser, sample):
    _out, index = sample
    page = browser.page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    browser.console_errors.clear()
    page.goto(index.as_uri(), wait_until="load")

    names = page.locator("#report table.runs tr td:first-child").all_inner_texts()
    assert names == ["nginx-cluster-stop", "nginx-none-stop", "3-httpd-<sticky>"]
    assert page.locator("#report table.runs tr.miss").count() == 2
    assert page.locator("#faults table.matrix tr").count() == 2
    assert page.locator("#faults table.matrix th").all_inner_texts() == ["setup", "kill", "freeze"]
    assert "Screenshots were skipped: off." in page.locator("#faults").inner_text()
    # One inline timeline per run that has a result; none for the failed run.
    assert page.locator("#report article .timeline svg").count() == 2
    assert page.locator("#faults article .timeline svg").count() == 2
    assert browser.console_errors == []
    # Self-contained: nothing but the page's own files (and data: URLs) is loaded.
    assert all(url.startswith(("file:", "data:")) for url in requests), requests


@pytest.mark.browser
def test_every_image_loads_with_a_size(browser, sample):
    _out, index = sample
    page = browser.page
    page.goto(index.as_uri(), wait_until="load")
    sizes = page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth, i.naturalHeight])"
    )
    assert len(sizes) == 4
    for src, complete, width, height in sizes:
        assert complete and width > 0 and height > 0, src
    captions = page.locator("#report figcaption").all_inner_texts()
    assert captions == ["before", "during"] * 2


@pytest.mark.browser
def test_links_point_at_files_that_exist(browser, sample):
    out, index = sample
    page = browser.page
    page.goto(index.as_uri(), wait_until="load")
    hrefs = page.eval_on_selector_all("article .links a", "links => links.map(a => a.getAttribute('href'))")
    assert "results/nginx-cluster-stop.json" in hrefs
    for href in hrefs:
        assert (out / href).exists(), href


@pytest.mark.browser
def test_text_from_results_is_escaped(sample):
    _out, index = sample
    text = index.read_text()
    assert "3-httpd-&lt;sticky&gt;" in text
    assert "3-httpd-<sticky>" not in text


def test_an_empty_report_directory_says_what_to_run(tmp_path):
    index = report.write_index(tmp_path)
    assert "No results yet: run <code>make lab</code>" in index.read_text()
