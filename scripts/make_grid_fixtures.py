"""Build the grid-source fixtures: one small workbook in .xlsx, converted to .xls and .ods by LibreOffice.

    python scripts/make_grid_fixtures.py            # writes tests/fixtures/grid/

The workbook holds what a grid source must keep: percent cells (built-in and custom
formats), a date, merged ranges, a value after a gap of empty rows, a heading merged
across the row, three sheets in an order that differs from their part names. The
test suite never runs LibreOffice; the converted files are committed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "grid"


def rich_workbook(path: Path, formulas: bool = True) -> Path:
    """The workbook; ``formulas`` adds a formula with no cached value and cells LibreOffice would change."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu mẫu 1"
    ws.append(["UBND HUYỆN LÂM THAO"])
    ws.append(["THỐNG KÊ QUÝ III NĂM 2023"])
    ws.append(["STT", "Chỉ tiêu thống kê", "Kết quả thống kê", None, "Ghi chú"])
    ws.append([None, None, "Đơn vị tính", "Số liệu", None])
    ws.merge_cells("C3:D3")
    ws.append(["1", "Tỷ lệ A", "%", 0.7674, "x\u0085y"])
    ws["D5"].number_format = "0.00%"
    ws.append(["2", "Tỷ lệ B", "%", 0.5, ""])
    ws["D6"].number_format = "#,##0.0%"
    ws.append(["3", "Số C", "Cái", "=1+2" if formulas else 3, None])
    ws.append(["4", "Ngày", "", dt.datetime(2023, 9, 28, 10, 30), None])
    ws.append(["5", "Tổng", "Cái", 12345678901, True if formulas else "có"])
    ws.cell(row=30, column=2, value="sau khoảng trống")
    ws.cell(row=30, column=4, value=1.25)
    ws.merge_cells("A31:E31")
    ws["A31"] = "TIÊU ĐỀ GỘP"
    second = wb.create_sheet("Biểu mẫu 2")
    second.append(["STT", "Nội dung", "Đơn vị tính", "Số lượng/ tỷ lệ"])
    second.append([1, "Xã Số 1", "%", 0.25])
    second["D2"].number_format = "0%"
    wb.create_sheet("Trống", 0)  # first in order, last in part names
    wb.save(path)
    return path


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt, "--outdir", str(outdir), str(src)],
            check=True, capture_output=True, timeout=120,
        )
    return outdir / f"{src.stem}.{fmt}"


def main() -> int:
    if shutil.which("soffice") is None:
        print("LibreOffice (soffice) is needed to convert the fixtures", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    src = rich_workbook(OUT / "rich.xlsx", formulas=False)
    for fmt in ("xls", "ods"):
        print(convert(src, fmt, OUT))
    for fmt in ("xls", "ods"):
        print(convert(ROOT / "examples" / "lam-thao-2023-q3.xlsx", fmt, OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
