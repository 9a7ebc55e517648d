"""The unit's and the reviewer's flows in a real browser (Debian's Chromium, headless,
driven by Playwright; nothing is downloaded) against a real uvicorn and SQLite file:
upload, see the marked cell, explain, return, resubmit, approve, compile, download.

Screenshots of each page go to a temporary folder ($CCHC_SCREENSHOTS when set), at
1366×768, the office screen the pages are made for.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .build import commune
from .serverkit import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("CCHC_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page(browser, server, username: str):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="vi-VN")
    page = ctx.new_page()
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _download(page, selector: str, dest: Path) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    info.value.save_as(dest)
    return dest


def test_unit_and_reviewer_flows_end_to_end(browser, server, shots, tmp_path) -> None:
    from openpyxl import load_workbook

    bad = commune(tmp_path / "Kim Lâm Q3.xlsx", "Kim Lâm", changes={"nv_hoan_thanh": 999}, extra_row=True)
    fixed = commune(tmp_path / "Kim Lâm Q3 (sửa).xlsx", "Kim Lâm", extra_row=True)

    # --- the commune's officer sends a file and sees their own form, marked ---------------
    unit = _page(browser, server, "unit_x1")
    assert unit.url.endswith("/unit/X1")
    unit.screenshot(path=str(shots / "01-unit-home.png"))
    unit.select_option("select[name=period]", "2023-Q3")
    unit.click("form.period button")
    unit.set_input_files("input[type=file]", str(bad))
    unit.click("#upload button[type=submit]")
    unit.wait_for_load_state()
    assert "/submissions/" in unit.url
    marked = unit.locator("td.mark.error", has_text="999")
    assert marked.count() == 1 and marked.get_attribute("id") == "c0-D10"
    assert "lớn hơn" in marked.get_attribute("title")
    unit.screenshot(path=str(shots / "02-unit-form-marked.png"))
    unit.screenshot(path=str(shots / "02b-unit-form-full.png"), full_page=True)

    # explain the row the template does not have
    item = unit.locator("li.finding", has_text="Không nhận ra dòng")
    item.locator("textarea").fill("Chỉ tiêu riêng của tỉnh, giữ lại để theo dõi.")
    item.locator("button").click()
    unit.wait_for_load_state()
    assert unit.locator("li.finding .explained", has_text="Chỉ tiêu riêng của tỉnh").count() == 1

    xlsx = _download(unit, "a[href$='/download/xlsx']", tmp_path / "ket-qua.xlsx")
    assert load_workbook(xlsx).sheetnames
    docx = _download(unit, "a[href$='/download/docx']", tmp_path / "ket-qua.docx")
    assert docx.read_bytes()[:2] == b"PK"

    # --- the district's reviewer: the board, the submission, return with a reason ---------
    rev = _page(browser, server, "rev_d1")
    rev.goto(server.url + "/board?period=2023-Q3")
    rows = rev.locator("table.board tbody tr")
    assert rows.nth(0).locator(".status").inner_text() == "Chưa nộp"  # not submitted first
    assert rev.locator("table.board tr", has_text="xã Kim Lâm").locator(".status").inner_text() == "Còn lỗi"
    rev.screenshot(path=str(shots / "03-reviewer-board.png"))
    rev.click("table.board a:has-text('xã Kim Lâm')")
    rev.wait_for_load_state()
    assert rev.locator(".explained", has_text="Chỉ tiêu riêng của tỉnh").count() == 1
    rev.fill("form.review textarea", "Số nhiệm vụ hoàn thành lớn hơn số đề ra; đề nghị sửa dòng 2.2.")
    rev.click("form.review button[value=return]")
    rev.wait_for_load_state()
    assert rev.locator(".status.big").inner_text() == "Trả lại"

    # --- the officer reads the remark and sends the corrected file --------------------------
    unit.goto(server.url + "/unit/X1?period=2023-Q3")
    assert unit.locator(".remarks", has_text="đề nghị sửa dòng 2.2").count() == 1
    unit.screenshot(path=str(shots / "04-unit-returned.png"))
    unit.set_input_files("input[type=file]", str(fixed))
    unit.click("#upload button[type=submit]")
    unit.wait_for_load_state()
    assert unit.locator("h1 small", has_text="v2").count() == 1
    assert unit.locator("td.mark.error", has_text="999").count() == 0
    assert unit.locator("td.changed").count() >= 1  # what changed from version 1
    assert unit.locator(".explained", has_text="v1").count() == 1  # the explanation stays with the finding
    unit.screenshot(path=str(shots / "05-unit-v2-diff.png"), full_page=True)

    # --- the reviewer approves version 2, compiles, downloads --------------------------------
    rev.goto(server.url + "/board?period=2023-Q3")
    rev.click("table.board a:has-text('xã Kim Lâm')")
    rev.wait_for_load_state()
    rev.fill("form.review textarea", "Đã sửa, đồng ý.")
    rev.click("form.review button[value=approve]")
    rev.wait_for_load_state()
    assert rev.locator(".status.big").inner_text() == "Đã duyệt"
    rev.goto(server.url + "/board?period=2023-Q3")
    assert rev.locator("table.board tr", has_text="xã Kim Lâm").locator(".status").inner_text() == "Đã duyệt"
    rev.click("button:has-text('Tổng hợp')")
    rev.wait_for_load_state()
    assert rev.locator("ul.missing li", has_text="xã Cao Xá").count() == 1
    rev.screenshot(path=str(shots / "06-compiled.png"))
    report = _download(rev, "a[href$='/report.xlsx']", tmp_path / "tong-hop.xlsx")
    assert load_workbook(report).sheetnames
    matrix = _download(rev, "a[href$='/matrix.xlsx']", tmp_path / "ma-tran.xlsx")
    assert load_workbook(matrix).sheetnames
    missing = _download(rev, "a[href$='/missing.csv']", tmp_path / "chua-nop.csv")
    assert "X2,xã Cao Xá" in missing.read_text(encoding="utf-8-sig")

    rev.goto(server.url + "/chart?period=2023-Q3&indicator=nv_de_ra")
    assert rev.locator("svg.bars rect").count() == 1 and rev.locator("svg.line circle").count() == 1
    rev.screenshot(path=str(shots / "07-chart.png"))

    # --- the administrator, and the English switch --------------------------------------------
    admin = _page(browser, server, "admin")
    assert admin.url.endswith("/admin")
    admin.screenshot(path=str(shots / "08-admin.png"))
    admin.click("a.lang")
    admin.wait_for_load_state()
    assert admin.locator("h1").inner_text() == "Administration"
    admin.goto(server.url + "/board?under=P&period=2023-Q3")
    admin.screenshot(path=str(shots / "09-board-english.png"))
    log = admin.goto(server.url + "/admin?lang=vi")
    assert log.status == 200
    assert admin.locator("table", has_text="return").count() >= 1  # the audit log shows who returned
