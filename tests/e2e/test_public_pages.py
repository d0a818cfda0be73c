"""The public pages in a real browser: languages, filters, the shift page, keyboard, contrast."""

import re

import pytest
from playwright.sync_api import expect

from .browsing import DESKTOP, PHONE, log_in, screenshot

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
BROWSER_LOCALES = {"zh": "zh-CN", "en": "en-US"}
KM_AWAY = re.compile(r"([\d.]+)")

# WCAG contrast ratio of an element's text colour on the first opaque background behind it.
CONTRAST_JS = """
element => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  let node = element, background = null;
  while (node && !background) {
    const value = getComputedStyle(node).backgroundColor;
    const parts = rgb(value);
    if (parts.length < 4 || parts[3] > 0) background = parts.slice(0, 3);
    node = node.parentElement;
  }
  background = background || [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(element).color)), lum(background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


def _card_count(page) -> int:
    return page.locator("li.card.shift").count()


def _total(page) -> int:
    return int(re.search(r"\d+", page.locator("p.count").inner_text()).group())


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_screenshots_of_the_home_page_and_a_shift_page(new_page, language, viewport):
    page = new_page(VIEWPORTS[viewport], locale=BROWSER_LOCALES[language])
    page.goto("/")
    expect(page.locator("li.card.shift").first).to_be_visible()
    screenshot(page, f"home-{language}-{viewport}")
    page.locator("li.card.shift h2 a").first.click()
    expect(page.locator("article.shift-page h1")).to_be_visible()
    screenshot(page, f"shift-{language}-{viewport}")
    # Nothing is wider than the screen: no sideways scrolling on a 360 px phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"]


def test_the_home_page_is_chinese_by_default(new_page):
    page = new_page(locale="fr-FR")  # a language the site does not offer
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("招工信息")
    expect(page.locator("p.count")).to_contain_text("个")


def test_english_is_chosen_by_accept_language(new_page):
    page = new_page(locale="en-GB")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Open shifts")
    expect(page.locator("label[for=district]")).to_have_text("District")


def test_the_language_switch_is_remembered_across_pages(desktop_page):
    page = desktop_page
    page.goto("/")
    expect(page.locator("h1")).to_have_text("招工信息")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Open shifts")
    page.locator("li.card.shift h2 a").first.click()
    expect(page.get_by_text("Required skills")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/auth/login")
    expect(page.locator("h1")).to_have_text("Log in")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("h1")).to_have_text("登录")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("招工信息")


def test_filtering_by_district_in_the_browser(desktop_page):
    page = desktop_page
    page.goto("/")
    everything = _total(page)
    page.locator("#district").select_option(label="新昌县")
    page.get_by_role("button", name="查看班次").click()
    expect(page).to_have_url(re.compile(r"district=\d+"))
    expect(page.locator("#district option:checked")).to_have_text("新昌县")
    assert 0 < _total(page) < everything
    places = page.locator("li.card.shift p.factory").all_inner_texts()
    assert places and all(text.endswith("新昌县") for text in places)


def test_filtering_by_distance_from_a_point_in_the_browser(desktop_page):
    page = desktop_page
    page.goto("/")
    everything = _total(page)
    page.locator("#lat").fill("29.4998")  # Xinchang's centre
    page.locator("#lon").fill("120.9039")
    page.locator("#within_km").fill("15")
    page.locator("#within_km").press("Enter")
    expect(page.locator("p.count")).to_be_visible()
    assert 0 < _total(page) < everything
    distances = page.locator("li.card.shift p.distance").all_inner_texts()
    assert len(distances) == _card_count(page)
    assert all(float(KM_AWAY.search(text).group(1)) <= 15 for text in distances)


def test_filtering_by_distance_from_my_home_after_logging_in(desktop_page):
    page = desktop_page
    log_in(page)
    page.goto("/")
    page.get_by_label("从我的住址算起").check()
    page.locator("#within_km").fill("10")
    page.get_by_role("button", name="查看班次").click()
    expect(page).to_have_url(re.compile(r"near_home=y"))
    distances = page.locator("li.card.shift p.distance").all_inner_texts()
    assert distances and all(float(KM_AWAY.search(t).group(1)) <= 10 for t in distances)


def test_a_bad_filter_gets_a_message_beside_its_field(desktop_page):
    page = desktop_page
    response = page.goto("/?within_km=abc&lat=30&lon=120.5")
    assert response.status == 400
    expect(page.locator("#within_km-error")).to_have_text("请以公里为单位填写距离。")
    expect(page.locator("#within_km")).to_have_attribute("aria-invalid", "true")


def test_the_shift_page_on_a_phone(phone_page):
    page = phone_page
    page.goto("/")
    first = page.locator("li.card.shift").first
    title = first.locator("h2").inner_text()
    places = first.locator("p.places").inner_text()
    first.locator("h2 a").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".apply p.places")).to_have_text(places)
    for heading in ("时间", "地点", "工资", "宿舍", "班车"):
        expect(page.locator("dl.facts dt", has_text=heading)).to_be_visible()
    expect(page.get_by_text("必备技能")).to_be_visible()
    apply = page.get_by_role("link", name="登录后报名")
    expect(apply).to_be_visible()
    box = apply.bounding_box()
    assert box["height"] >= 44  # a thumb-sized target
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    apply.click()
    expect(page).to_have_url(re.compile(r"/auth/login\?next=(%2F|/)shifts(%2F|/)\d+"))


def test_keyboard_focus_is_visible_on_the_filter_form(desktop_page):
    page = desktop_page
    page.goto("/")
    for _ in range(20):  # past the header links to the first filter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "district":
            break
    else:
        pytest.fail("Tab never reached the district filter")
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }"
    )
    assert style[0] != "none" and style[1] >= 2, style
    assert style[2] != "none", style
    screenshot(page, "focus-filter-desktop")
    order = ["district"]
    for _ in range(12):  # the date input takes a Tab for each of its year, month and day
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.tagName")
        if focused != order[-1]:
            order.append(focused)
    assert order[:6] == ["district", "industry", "skill", "day", "lat", "lon"], order
    # The submit button is reachable and Enter on it runs the search.
    while page.evaluate("document.activeElement.tagName") != "BUTTON":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("p.count")).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/auth/login", "/auth/register/worker"])
def test_every_input_has_a_label(desktop_page, path):
    page = desktop_page
    page.goto(path)
    unlabelled = page.evaluate(
        "() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
        ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))"
        ".map(e => e.name)"
    )
    assert unlabelled == []


def test_text_has_enough_contrast(desktop_page):
    page = desktop_page
    page.goto("/")
    selectors = ["h1", "label[for=district]", ".hint", "p.factory", "p.places", "a.brand"]
    selectors += ["button[type=submit]", "li.card.shift h2 a"]
    for selector in selectors:
        ratio = page.locator(selector).first.evaluate(CONTRAST_JS)
        assert ratio >= 4.5, (selector, ratio)
