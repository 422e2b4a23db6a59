"""Headless Chromium against the live server, with axe-core for accessibility.

The system's Chromium (Debian's package) is driven by Playwright; nothing is downloaded.
Each story saves a screenshot under artifacts/browser/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls
# (arranging data, checking the database) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SPOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser(live_server):
    """Chromium for one test, started after the live server and the database are ready.

    Playwright's sync API keeps an asyncio loop running while it is started, and Django then
    keeps its database connections in a separate, "async" storage. Starting it only after the
    database fixtures (which restore the serialized data) and stopping it before they tear
    down keeps every other test of the run on the ordinary connection.
    """
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Recorded in the page before anything of Spor runs (init scripts are not subject to the
# Content-Security-Policy), read by assert_accessible: a page must work under the policy.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


def new_context(browser, **options):
    context = browser.new_context(**options)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context


def _new_page(browser, live_server, viewport):
    context = new_context(
        browser, viewport=viewport, base_url=live_server.url, accept_downloads=True, locale="da-DK"
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _new_page(browser, live_server, PHONE)
    yield page
    context.close()


def sign_in(page, person, password: str = "demo-password") -> None:
    page.goto("/sign-in/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: an inline <script> tag would be (rightly)
        # refused by the page's Content-Security-Policy.
        page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
        })"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}: {violations}"
    assert_no_csp_violations(page)


def assert_no_csp_violations(page) -> None:
    recorded = page.evaluate("window.__cspViolations")
    assert recorded is not None, "open the page in a context made by new_context()"
    assert recorded == [], f"{page.url}: Content-Security-Policy violations {recorded}"
