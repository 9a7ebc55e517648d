"""Read time per file per format: prints figures, asserts nothing.

    python bench/bench_read.py [N]

For the 2023 example (huyện Lâm Thao, 7 forms, 134 indicators) in every format
(tests/fixtures/grid/ holds the LibreOffice conversions; tests/fixtures/formats/
too when present) it prints the median CPU time of the grid source alone and of
grid + layout, against a same-run floor (reading the file's bytes and unzipping
every part: what any reader must at least do), plus the openpyxl read-only load
of the .xlsx for comparison, and the import cost of each source in a fresh process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"
GRID = ROOT / "tests" / "fixtures" / "grid"


def cpu_ms(fn, n: int) -> float:
    runs = []
    for _ in range(n):
        t = time.process_time()
        fn()
        runs.append((time.process_time() - t) * 1000)
    return statistics.median(runs)


def floor(path: Path) -> None:
    data = path.read_bytes()
    if data[:2] == b"PK":
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                zf.read(name)


def openpyxl_load(path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass
    wb.close()


def import_ms(module: str) -> float:
    runs = []
    for _ in range(5):
        err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True).stderr
        last = [line for line in err.splitlines() if line.rstrip().endswith(f" {module}")]
        if last:
            runs.append(int(last[-1].split("|")[1]) / 1000)
    return statistics.median(runs) if runs else float("nan")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    from cchc_engine.flow.layout import layout
    from cchc_engine.readers.ods import OdsReader
    from cchc_engine.readers.xls import XlsReader
    from cchc_engine.readers.xlsx import XlsxReader

    print(f"load average {os.getloadavg()[0]:.2f}; median CPU ms of {n} runs")
    files = [("xlsx (expat)", XlsxReader(), EXAMPLE)]
    files += [("xls (xlrd)", XlsReader(), GRID / "lam-thao-2023-q3.xls"), ("ods (expat)", OdsReader(), GRID / "lam-thao-2023-q3.ods")]
    try:
        from cchc_tsv import TsvReader

        tsv = Path("/tmp") / f"bench-read-{os.getpid()}.txt"
        rows = []
        for s in XlsxReader().read(EXAMPLE).sheets:
            rows += ["\t".join("" if c.value is None else str(c.value) for c in r) for r in s.rows]
        tsv.write_text("\n".join(rows), encoding="utf-8")
        files.append(("tsv (cchc-tsv)", TsvReader(), tsv))
    except ImportError:
        tsv = None
    from cchc_engine.readers.docx import DocxReader

    # the whole Word report (29 pages: narrative, letterhead, 7 appendix tables), as sent
    files.append(("docx", DocxReader(), ROOT / "tests" / "fixtures" / "formats" / "seed001_report.docx"))
    print(f"{'format':16} {'bytes':>7} {'floor':>7} {'grid':>7} {'+layout':>8}")
    for label, reader, path in files:
        if not path.exists():
            print(f"{label:16} (missing {path.name})")
            continue
        f = cpu_ms(lambda: floor(path), n)
        g = cpu_ms(lambda: reader.read(path), n)
        gl = cpu_ms(lambda: layout(reader.read(path)), n)
        print(f"{label:16} {path.stat().st_size:7d} {f:7.2f} {g:7.2f} {gl:8.2f}")
    print(f"{'xlsx (openpyxl)':16} {EXAMPLE.stat().st_size:7d} {cpu_ms(lambda: floor(EXAMPLE), n):7.2f} {cpu_ms(lambda: openpyxl_load(EXAMPLE), n):7.2f}")
    if tsv is not None:
        tsv.unlink()
    for module in ("cchc_engine.readers.xlsx", "xlrd", "openpyxl"):
        print(f"import {module:28} {import_ms(module):7.1f} ms (fresh process, cumulative)")


if __name__ == "__main__":
    main()
