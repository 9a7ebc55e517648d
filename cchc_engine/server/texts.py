"""The words of the web pages, in Vietnamese and English.

The same shape as the engine's catalogue (``messages.CATALOG``: code → (vi, en),
``{name}`` placeholders, numbers the Vietnamese way) and rendered by the same
``messages.render``; kept here because they are the pages' words, not findings.
Finding texts themselves come from the engine's catalogue. ``tests/server`` pins that
every key a template or route uses is here, in both languages.
"""

from __future__ import annotations

from typing import Any

from ..messages import render

UI: dict[str, tuple[str, str]] = {
    "app-name": ("Báo cáo CCHC", "CCHC reports"),
    "nav-my-unit": ("Báo cáo của đơn vị", "My unit's reports"),
    "nav-board": ("Tình hình nộp báo cáo", "Submission board"),
    "nav-chart": ("Biểu đồ", "Charts"),
    "nav-admin": ("Quản trị", "Administration"),
    "role-unit": ("Đơn vị báo cáo", "Reporting unit"),
    "role-reviewer": ("Cán bộ thẩm định", "Reviewer"),
    "role-admin": ("Quản trị viên", "Administrator"),
    "role": ("Vai trò", "Role"),
    "logout": ("Đăng xuất", "Sign out"),
    "login": ("Đăng nhập", "Sign in"),
    "login-title": ("Đăng nhập hệ thống báo cáo CCHC", "Sign in to the CCHC reports"),
    "username": ("Tên đăng nhập", "Username"),
    "password": ("Mật khẩu", "Password"),
    "login-wrong": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
    "login-blocked": (
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
        "Too many failed sign-ins. Please try again in {minutes} minutes.",
    ),
    "forbidden": ("Tài khoản của bạn không có quyền xem hoặc làm việc này.", "Your account may not see or do this."),
    "not-found": ("Không tìm thấy trang hoặc báo cáo này.", "This page or report was not found."),
    "back-home": ("Về trang chính", "Back to the start page"),
    "period": ("Kỳ báo cáo", "Period"),
    "period-name": ("{period}", "{period}"),
    "show": ("Xem", "Show"),
    "upload-title": ("Nộp báo cáo {period}", "Send the report for {period}"),
    "upload-drop": ("Chọn hoặc kéo thả tệp báo cáo vào đây", "Choose or drop the report file here"),
    "upload-formats": (
        "Excel (.xlsx, .xls), LibreOffice (.ods), Word (.docx) hoặc văn bản; tối đa {mb} MB.",
        "Excel (.xlsx, .xls), LibreOffice (.ods), Word (.docx) or text; at most {mb} MB.",
    ),
    "upload-paste": ("Hoặc dán bảng số liệu", "Or paste the table"),
    "upload-paste-hint": ("Dán các dòng của bảng phụ lục (STT, chỉ tiêu, đơn vị tính, số liệu)", "Paste the appendix rows (STT, indicator, unit, value)"),
    "upload-send": ("Gửi và kiểm tra", "Send and check"),
    "upload-empty": ("Chưa chọn tệp hoặc dán nội dung.", "No file chosen and nothing pasted."),
    "upload-refused": ("Không đọc được báo cáo:", "The report could not be read:"),
    "history": ("Các lần nộp và ý kiến thẩm định", "Versions and reviewer's remarks"),
    "version": ("Lần nộp", "Version"),
    "file": ("Tệp", "File"),
    "sent-at": ("Thời gian", "When"),
    "by": ("Người thực hiện", "By"),
    "errors": ("Lỗi", "Errors"),
    "warnings": ("Cảnh báo", "Warnings"),
    "status": ("Trạng thái", "Status"),
    "status-not-submitted": ("Chưa nộp", "Not submitted"),
    "status-received": ("Đã nhận", "Received"),
    "status-returned": ("Trả lại", "Returned"),
    "status-approved": ("Đã duyệt", "Approved"),
    "no-versions": ("Chưa có lần nộp nào trong kỳ này.", "Nothing sent for this period yet."),
    "remarks": ("Ý kiến thẩm định", "Reviewer's remarks"),
    "action-approve": ("Phê duyệt", "Approved"),
    "action-return": ("Trả lại", "Returned"),
    "summary": ("{errors} lỗi · {warnings} cảnh báo · {infos} lưu ý", "{errors} errors · {warnings} warnings · {infos} notes"),
    "download-xlsx": ("Tải Excel", "Download Excel"),
    "download-docx": ("Tải Word", "Download Word"),
    "download-json": ("Tải JSON", "Download JSON"),
    "download-csv": ("Tải CSV", "Download CSV"),
    "download-original": ("Tệp đã nộp", "File as sent"),
    "back-unit": ("Các lần nộp", "All versions"),
    "not-current": (
        "Đây không phải lần nộp mới nhất của kỳ này.",
        "This is not the latest version for this period.",
    ),
    "your-form": ("Biểu mẫu của đơn vị", "Your form"),
    "no-grid": ("Không hiển thị được bảng của tệp này; xem danh sách phát hiện.", "This file's table cannot be shown; see the findings."),
    "pasted-text": ("Nội dung dán", "Pasted text"),
    "rows-hidden": ("Còn {n} dòng không hiển thị.", "{n} more rows not shown."),
    "findings": ("Kết quả kiểm tra", "Findings"),
    "no-findings": ("Không có lỗi hay cảnh báo.", "No errors or warnings."),
    "sev-error": ("Lỗi", "Error"),
    "sev-warning": ("Cảnh báo", "Warning"),
    "sev-info": ("Lưu ý", "Note"),
    "explained": ("Giải trình:", "Explanation:"),
    "explain-hint": ("Giải trình cho cảnh báo này…", "Explain this finding…"),
    "explain-send": ("Gửi giải trình", "Send explanation"),
    "review-title": ("Thẩm định", "Review"),
    "review-reason": ("Ý kiến (bắt buộc khi trả lại)", "Remarks (required to return)"),
    "review-need-reason": ("Cần ghi lý do khi trả lại báo cáo.", "A reason is required to return a report."),
    "approve": ("Phê duyệt", "Approve"),
    "return": ("Trả lại", "Return"),
    "send-corrected": ("Nộp bản đã sửa", "Send a corrected file"),
    "diff-title": ("Thay đổi so với lần nộp trước", "Changes from the previous version"),
    "diff-first": ("Đây là lần nộp đầu tiên.", "This is the first version."),
    "diff-none": ("Số liệu không đổi so với lần {version}.", "No value changed since version {version}."),
    "diff-against": ("{n} chỉ tiêu khác lần {version}:", "{n} indicators differ from version {version}:"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "board-title": ("Tình hình nộp báo cáo", "Submission board"),
    "compile": ("Tổng hợp", "Compile"),
    "level": ("Cấp", "Level"),
    "parent": ("Trực thuộc", "Under"),
    "all": ("Tất cả", "All"),
    "filter": ("Lọc", "Filter"),
    "unit": ("Đơn vị", "Unit"),
    "units-total": ("{n} đơn vị", "{n} units"),
    "compiled-title": ("Báo cáo tổng hợp", "Compiled report"),
    "compiled-summary": ("Tổng hợp từ {included} đơn vị; {missing} đơn vị chưa nộp", "Compiled from {included} units; {missing} units have not sent"),
    "compiled-values": ("Số liệu tổng hợp", "Compiled values"),
    "missing-units": ("Đơn vị chưa nộp", "Units that have not sent"),
    "download-compiled": ("Tải báo cáo tổng hợp (Excel)", "Download the compiled report (Excel)"),
    "download-matrix": ("Tải bảng số liệu các đơn vị", "Download the units' matrix"),
    "download-missing": ("Tải danh sách chưa nộp", "Download who is missing"),
    "unit-of-measure": ("Đơn vị tính", "Unit"),
    "value": ("Số liệu", "Value"),
    "chart-title": ("Biểu đồ chỉ tiêu", "Indicator charts"),
    "bars-title": ("{name} — các đơn vị, {period}", "{name} — units, {period}"),
    "line-title": ("{name} — qua các kỳ", "{name} — across periods"),
    "line-of": ("Đơn vị (biểu đồ đường)", "Unit (line)"),
    "units-title": ("Đơn vị", "Units"),
    "units-csv": ("Nhập từ CSV", "Import from CSV"),
    "units-csv-help": (
        "Các cột: code, name, level (mã cấp trong bộ chỉ tiêu: tinh, huyen, xa), parent (mã đơn vị cấp trên).",
        "Columns: code, name, level (the spec's level id: tinh, huyen, xa), parent (the parent unit's code).",
    ),
    "units-csv-bad": (
        "Tệp CSV không đúng: cần UTF-8 với các cột code, name, level, parent và mỗi dòng có code, name, level.",
        "The CSV is not usable: UTF-8 with columns code, name, level, parent, and code, name, level on every row.",
    ),
    "units-imported": ("Đã nhập {n} đơn vị.", "{n} units imported."),
    "import": ("Nhập", "Import"),
    "code": ("Mã đơn vị", "Unit code"),
    "accounts-title": ("Tài khoản", "Accounts"),
    "account-create": ("Tạo tài khoản", "Create account"),
    "account-bad": (
        "Không tạo được tài khoản: tên đã có, vai trò sai, mã đơn vị không tồn tại hoặc mật khẩu dưới 8 ký tự.",
        "Account not created: the name exists, the role is wrong, the unit code is unknown or the password has under 8 characters.",
    ),
    "account-made": ("Đã tạo tài khoản {username}.", "Account {username} created."),
    "token-title": ("Mã truy cập API mới", "New API token"),
    "token-once": ("Mã truy cập API (chỉ hiển thị một lần, hãy lưu lại):", "API token (shown once: keep it now):"),
    "specs-title": ("Bộ chỉ tiêu", "Specs"),
    "spec-in-use": ("Đang dùng", "In use"),
    "plugins-title": ("Phần mở rộng", "Plugins"),
    "plugin": ("Phần mở rộng", "Plugin"),
    "gives": ("Cung cấp", "Provides"),
    "audit-title": ("Nhật ký thao tác", "Audit log"),
    "action": ("Thao tác", "Action"),
    "object": ("Đối tượng", "Object"),
}

_ROMAN = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}
_PERIODS = {
    "H1": ("6 tháng đầu năm {y}", "First half of {y}"),
    "H2": ("6 tháng cuối năm {y}", "Second half of {y}"),
    "9M": ("9 tháng năm {y}", "Nine months of {y}"),
}


def period_name(period: str, lang: str) -> str:
    """'2023-Q3' → 'Quý III năm 2023'; '2023-H1' → '6 tháng đầu năm 2023'; '2023' → 'Năm 2023'."""
    year, _, part = str(period).partition("-")
    en = lang == "en"
    if not part:
        return f"Year {year}" if en else f"Năm {year}"
    if part in _ROMAN:
        return f"Q{part[1]} {year}" if en else f"Quý {_ROMAN[part]} năm {year}"
    if part in _PERIODS:
        return _PERIODS[part][en].format(y=year)
    return str(period)


def t(key: str, lang: str, **values: Any) -> str:
    if key == "period-name":
        return period_name(str(values.get("period", "")), lang)
    pair = UI.get(key)
    if pair is None:
        raise KeyError(f"no page text {key!r}")
    return render(key, values, lang=lang, template=pair[1 if lang == "en" else 0])
