"""A moderator imports a roster of idle staff in a real browser: upload, progress, report."""

from playwright.sync_api import expect

from marketplace.services.roster.file import ALIASES
from marketplace.services.roster.template import FIELDS, rows_to_csv, sample_rows

from .browsing import log_in, screenshot

DEMO_MODERATOR = "13700000001"


def _roster(tmp_path, rows: int, broken: bool = False):
    """A CSV roster with Chinese headers, as an association's office would type one."""
    header = [ALIASES[field][0] for field in FIELDS]
    # Cross-industry staff, retirees and the like: no lender's credit code needed.
    found = list(sample_rows(rows, skills=["织机操作", "验布"], districts=["越城区", "柯桥区"]))
    if broken:
        found[1]["mobile"] = "1234"  # not a mobile number
        found[2]["skills"] = "不存在的技能:3"
    path = tmp_path / ("broken.csv" if broken else "roster.csv")
    path.write_bytes(rows_to_csv(found, header=header))
    return path


def _upload(page, path):
    page.goto("/association/rosters")
    page.locator("input[type=file]").set_input_files(str(path))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_roster_imports_with_progress_and_a_report_and_a_broken_one_imports_nothing(
    new_page, tmp_path
):
    page = new_page()
    log_in(page, DEMO_MODERATOR)
    _upload(page, _roster(tmp_path, 40, broken=True))
    # The page refreshes itself until the job is done; then the report says what was wrong.
    expect(page.locator("body")).to_contain_text("没有导入任何数据", timeout=60_000)
    report = page.locator("table").last
    expect(report).to_contain_text("请输入有效的中国大陆手机号码")  # the row with 1234
    expect(report).to_contain_text("未知的技能“不存在的技能”")
    screenshot(page, "roster-refused-zh")
    _upload(page, _roster(tmp_path, 40))
    expect(page.locator("body")).to_contain_text("135****0000", timeout=60_000)
    assert "13500000000" not in page.content()  # numbers masked in the report
    screenshot(page, "roster-imported-zh")
