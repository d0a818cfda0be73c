"""A shift's whole life in a real browser, as the people who use it would click through it.

A factory registers and its association's moderator verifies it; it posts a shift; a retiree
registers on a phone, fills in the profile and applies; the factory offers, the worker accepts;
check-in, check-out; both rate. Once in Chinese and once in English, with screenshots.
Buttons are found by what they do (their form's action), so one script serves both languages.
"""

import itertools
import re
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from stdnum.cn import uscc

from .browsing import DESKTOP, PHONE, log_in, screenshot

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "Loom-Weaver-2020-Spring"
DEMO_MODERATOR = "13700000001"  # the first association, which the sign-up form offers first
BROWSER_LOCALES = {"zh": "zh-CN", "en": "en-US"}
_numbers = itertools.count(int(secrets.token_hex(3), 16) % 10_000_000)


def _mobile() -> str:
    return f"1390{next(_numbers) % 10_000_000:07d}"


def _credit_code() -> str:
    body = f"91330602{next(_numbers) % 1_000_000_000:09d}"
    return body + uscc.calc_check_digit(body)


def _local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _submit(page, form_action_end: str) -> None:
    page.locator(f"form[action$='{form_action_end}'] button[type=submit]").first.click()
    page.wait_for_load_state()


def _register_factory(page, name: str, mobile: str, factory_name: str) -> None:
    page.goto("/auth/register/factory")
    page.locator("#name").fill(name)
    page.locator("#mobile").fill(mobile)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.locator("input[name=mode][value=create]").check()
    page.locator("#uscc").fill(_credit_code())
    page.locator("#factory_name").fill(factory_name)
    page.locator("#site_address").fill("柯桥区笛扬路 1 号")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(re.compile(r"/auth/login"))


def _verify_factory(page, factory_name: str) -> None:
    log_in(page, DEMO_MODERATOR)
    page.goto("/association/")
    card = page.locator("section.card", has_text=factory_name)
    card.locator("button[formaction$='/verify']").click()
    page.wait_for_load_state()
    expect(page.locator("section.card", has_text=factory_name)).to_have_count(0)


def _post_shift(page, title: str, starts: datetime, *, required_level: int | None = None):
    """Post and publish a shift; its factory page's path, and the skill it requires if any."""
    page.goto("/factory/")
    page.locator("a[href*='/factory/shifts/new']").first.click()
    page.locator("#title").fill(title)
    page.locator("#starts_at").fill(_local(starts))
    page.locator("#ends_at").fill(_local(starts + timedelta(hours=4)))
    page.locator("#headcount").fill("2")
    page.locator("#hourly_pay_cny").fill("26")
    skill_name = None
    if required_level is not None:
        skill = page.locator("#required_skills-0-skill_id")
        skill.select_option(index=1)
        skill_name = skill.locator("option:checked").inner_text().strip()
        page.locator("#required_skills-0-min_level").select_option(str(required_level))
    page.locator("form.card button[type=submit]:not([name=more_rows])").first.click()
    page.wait_for_url(re.compile(r"/factory/shifts/\d+$"))
    path = re.search(r"/factory/shifts/\d+", page.url).group()
    _submit(page, "/publish")
    return path, skill_name


def _register_retiree(page, name: str, mobile: str) -> None:
    page.goto("/auth/register/worker")
    page.locator("#name").fill(name)
    page.locator("#mobile").fill(mobile)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD + "typo")
    page.locator("input[name=kind][value=retiree]").check()
    page.locator("form.card button[type=submit]").click()
    # The mistake is named beside its field, and what was typed is still there.
    expect(page.locator("#confirm-error")).to_be_visible()
    expect(page.locator("#name")).to_have_value(name)
    expect(page.locator("#mobile")).to_have_value(mobile)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(re.compile(r"/auth/login"))


def _fill_profile(page) -> None:
    page.goto("/worker/profile")
    page.locator("#max_travel_km").fill("25")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    expect(page.locator("p.flash.success")).to_be_visible()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_shift_from_posting_to_ratings(new_page, language):
    locale = BROWSER_LOCALES[language]
    factory_page = new_page(DESKTOP, locale=locale)
    moderator_page = new_page(DESKTOP, locale=locale)
    worker_page = new_page(PHONE, locale=locale, is_mobile=True, has_touch=True)
    tag = secrets.token_hex(2)
    factory_name, hr_mobile = f"绍兴柯桥测试纺织有限公司{tag}", _mobile()
    retiree, retiree_mobile = f"退休工人{tag}", _mobile()

    _register_factory(factory_page, f"人事{tag}", hr_mobile, factory_name)
    _verify_factory(moderator_page, factory_name)
    log_in(factory_page, hr_mobile, PASSWORD)
    starts = (datetime.now(SHANGHAI) + timedelta(minutes=70)).replace(second=0, microsecond=0)
    shift_path, _ = _post_shift(factory_page, f"挡车工{tag}", starts)
    shift_id = shift_path.rsplit("/", 1)[1]
    demanding_path, skill = _post_shift(factory_page, f"高级挡车工{tag}", starts, required_level=5)
    screenshot(factory_page, f"flow-{language}-1-factory-shift")

    _register_retiree(worker_page, retiree, retiree_mobile)
    log_in(worker_page, retiree_mobile, PASSWORD)
    _fill_profile(worker_page)
    screenshot(worker_page, f"flow-{language}-2-worker-profile")
    # A shift the retiree is not qualified for says which skill is missing.
    worker_page.goto(f"/worker/shifts/{demanding_path.rsplit('/', 1)[1]}")
    _submit(worker_page, "/apply")
    expect(worker_page.locator(".refused")).to_contain_text(skill)
    screenshot(worker_page, f"flow-{language}-3-refused")
    worker_page.goto(f"/worker/shifts/{shift_id}")
    _submit(worker_page, "/apply")
    worker_page.wait_for_url(re.compile(r"/worker/applications/\d+$"))
    application_path = re.search(r"/worker/applications/\d+", worker_page.url).group()

    factory_page.goto(shift_path)
    expect(factory_page.get_by_text(retiree, exact=True)).to_be_visible()
    _submit(factory_page, "/offer")
    screenshot(factory_page, f"flow-{language}-4-offered")

    worker_page.goto(application_path)
    _submit(worker_page, "/accept")
    screenshot(worker_page, f"flow-{language}-5-accepted")

    factory_page.goto(f"{shift_path}/attendance")
    _submit(factory_page, "/check-in")
    _submit(factory_page, "/check-out")
    factory_page.locator("form[action$='/rate'] select").first.select_option("5")
    _submit(factory_page, "/rate")
    screenshot(factory_page, f"flow-{language}-6-attendance")

    worker_page.goto(application_path)
    worker_page.locator("#score").select_option("4")
    worker_page.locator("#comment").fill("班组长很耐心")
    _submit(worker_page, "/rate")
    expect(worker_page.locator("p.flash.success")).to_be_visible()
    screenshot(worker_page, f"flow-{language}-7-rated")
    status = {"zh": "已完成", "en": "Completed"}[language]
    expect(worker_page.locator(".badge")).to_have_text(status)
