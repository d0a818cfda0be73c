"""A moderator's pages in a real browser: the review queue, and a placement run end to end."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .browsing import log_in, screenshot

DEMO_MODERATOR = "13700000001"  # moderator of the demo's first association
BROWSER_LOCALES = {"zh": "zh-CN", "en": "en-US"}


def _local_day(days_from_now: int) -> str:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return (today + timedelta(days=days_from_now)).isoformat()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_review_queue_and_members_pages(new_page, language):
    page = new_page(locale=BROWSER_LOCALES[language])
    log_in(page, DEMO_MODERATOR)
    page.goto("/association/")
    heading = {"zh": "待审事项", "en": "Review queue"}[language]
    expect(page.locator("h1")).to_have_text(heading)
    # Every reason box has its label, so a screen reader can tell the boxes apart.
    for box in page.locator("form.decision textarea").all():
        assert page.locator(f"label[for='{box.get_attribute('id')}']").count() == 1
    screenshot(page, f"association-queue-{language}")
    page.goto("/association/members")
    screenshot(page, f"association-members-{language}")


def test_a_moderator_runs_a_placement_and_sends_its_offers(new_page):
    page = new_page()
    log_in(page, DEMO_MODERATOR)
    page.goto("/association/placement-runs")
    page.locator("#starts_on").fill(_local_day(0))
    page.locator("#ends_on").fill(_local_day(13))
    page.locator("form.card button[type=submit]").click()
    # The run computes in the background; its page refreshes itself until it is done.
    expect(page.locator("dd[role=status]")).to_have_text("待审核", timeout=60_000)
    screenshot(page, "placement-run-review-zh")
    ticked = page.locator("input[name=proposal]")
    proposals = ticked.count()
    assert proposals > 0, "the demo data gives the first association some proposals"
    ticked.first.uncheck()
    page.get_by_role("button", name="发出已勾选的邀约").click()
    expect(page.locator("p.flash.success")).to_contain_text(f"已发出 {proposals - 1} 份邀约")
    expect(page.locator("dd[role=status]")).to_have_text("已发出邀约")
    screenshot(page, "placement-run-sent-zh")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_dashboard_draws_its_charts_with_labels_in_the_reader_s_language(new_page, language):
    page = new_page(locale=BROWSER_LOCALES[language])
    log_in(page, DEMO_MODERATOR)
    page.goto("/association/dashboard")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(3)
    for n in range(3):
        box = charts.nth(n).bounding_box()
        assert box["width"] > 300 and box["height"] > 100  # drawn, not collapsed
    words = {
        "zh": ("每日填补率", "各行业发布与已填岗位", "退休人员"),
        "en": ("Fill rate by day", "Places posted and filled by industry", "Retirees"),
    }[language]
    for word in words:
        expect(page.get_by_text(word).first).to_be_visible()
    # The kinds chart labels its bars with real text the browser drew in the page's font.
    label = page.locator("svg.chart text", has_text=words[2])
    assert label.first.bounding_box()["width"] > 10
    screenshot(page, f"dashboard-{language}")
