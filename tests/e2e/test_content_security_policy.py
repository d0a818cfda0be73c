"""The Content-Security-Policy in a real browser: every page still works and nothing is refused.

The policy allows scripts and styles from this site's files only; a page that still relied
on an inline script, a style attribute or another origin would log a violation here.
"""

import pytest
from playwright.sync_api import expect

from .browsing import DEMO_WORKER, log_in

DEMO_ADMIN = "13600000001"
DEMO_MODERATOR = "13700000001"
DEMO_FACTORY_OWNER = "13800000001"
# Who logs in (None: nobody) and the pages they open.
VISITS = {
    "public": (None, ["/", "/auth/login", "/auth/register/worker", "/auth/register/factory"]),
    "worker": (
        DEMO_WORKER,
        ["/worker/profile", "/worker/shifts", "/account/", "/account/password"],
    ),
    "factory": (DEMO_FACTORY_OWNER, ["/factory/", "/factory/shifts/new"]),
    "moderator": (DEMO_MODERATOR, ["/association/", "/association/members"]),
    "admin": (DEMO_ADMIN, ["/association/dashboard"]),
}
# Reports the page itself makes when the policy refuses something.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e => {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _watched(page):
    problems = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on("pageerror", lambda error: problems.append(f"error: {error}"))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return problems


@pytest.mark.parametrize("who", VISITS)
def test_pages_load_with_nothing_refused_by_the_policy(new_page, who):
    page = new_page()
    problems = _watched(page)
    identifier, paths = VISITS[who]
    if identifier:
        log_in(page, identifier)
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        problems += page.evaluate("window.__violations")
    assert problems == []


def test_the_worker_profile_script_runs(new_page):
    page = new_page(permissions=["geolocation"], geolocation={"latitude": 30.0, "longitude": 120.6})
    log_in(page)
    page.goto("/worker/profile")
    # worker.js shows the button only when it runs; a refused script would leave it hidden.
    expect(page.locator("#locate")).to_be_visible()


def test_the_api_docs_page_renders_under_the_policy(new_page):
    page = new_page()
    problems = _watched(page)
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 50
    problems += page.evaluate("window.__violations")
    assert problems == []
