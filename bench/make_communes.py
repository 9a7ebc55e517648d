"""Generate N realistic synthetic commune workbooks for the 2023 spec.

Rows come from the spec itself at level ``xa`` (the commune template: STT and
names as a commune prints them, no district-only rows), written in the official
layout by ``scripts/make_fixtures.write_workbook``. Values are in the ranges the
seeds show, numerators never exceed their denominators, totals equal their
breakdowns and reported ratios are the true ratios, so a clean file validates.
About ``error_rate`` of the files get one injected error: a ratio that does not
match its own numerator and denominator, a fraction in a count, or a numerator
larger than its denominator. Half the files store text ("2.967", "75,86%"), half
real numbers with percent-formatted cells. Deterministic for a given seed.

    python bench/make_communes.py OUT_DIR --n 100 [--seed 1] [--period 2023-Q3]

Importable: ``make_communes(out, n, seed)``, ``commune_values(compiled, rng)``,
``commune_rows(compiled, values)``, ``write_commune(path, name, period, rows)``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from pathlib import Path
from typing import Any, Optional

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from make_fixtures import write_workbook  # noqa: E402

LEVEL = "xa"
_ROMAN = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}

# Two syllables make a plausible commune name; enough pairs for thousands of units.
_SYLLABLES = (
    "An Bình Cao Đông Gia Hà Hòa Hưng Khánh Kim Lâm Long Minh Mỹ Nam Ngọc Nghĩa Phú Phúc "
    "Phong Quang Sơn Tân Thạch Thái Thanh Thịnh Thuận Thượng Tiến Trung Trường Tú Văn Vĩnh "
    "Xuân Yên Đức Hải Hồng Hợp Lạc Lộc Lương Nhân Thắng Thống Tây Bắc Định Hiệp"
).split()

# Magnitudes by unit, from the seeds (a commune is roughly a tenth of a district).
_RANGES = {
    "Hồ sơ": (50, 3000),
    "Thủ tục": (80, 200),
    "Người": (5, 40),
    "Văn bản": (0, 12),
    "PAKN": (0, 8),
    "Nhiệm vụ": (5, 40),
    "Số lượng": (0, 300),
}

_LE = re.compile(r"^(\w+) <= (\w+)$")
_SUM_LE = re.compile(r"^sum\(([\w, ]+)\) <= (\w+)$")
_EQ_SUM = re.compile(r"^(\w+) == sum\(([\w, ]+)\)$")
_EQ_PLUS = re.compile(r"^(\w+) == (\w+) \+ (\w+)$")
_RATIO = re.compile(r"^ratio\((\w+), (\w+)\)$")


def unit_names(n: int, rng: random.Random) -> list[str]:
    """Two-syllable names (2,550 of them), then three-syllable ones: the country has ~3,300 communes."""
    pairs = [f"{a} {b}" for a in _SYLLABLES for b in _SYLLABLES if a != b]
    rng.shuffle(pairs)
    if n <= len(pairs):
        return pairs[:n]
    triples = [f"{a} {b} {c}" for a in _SYLLABLES[:20] for b in _SYLLABLES[20:40] for c in _SYLLABLES[40:]]
    rng.shuffle(triples)
    if n > len(pairs) + len(triples):
        raise ValueError(f"at most {len(pairs) + len(triples)} distinct names")
    return pairs + triples[: n - len(pairs)]


def commune_values(compiled: Any, rng: random.Random) -> dict[str, Any]:
    """Consistent base values for every commune indicator (no formulas yet)."""
    spec = compiled.spec
    index = spec.index()
    # a dict, not a set: iterating a set of str follows the hash seed, and the draws below
    # must be the same in every process (tests generate from a fixed seed)
    applies = {i: ind for i, ind in index.items() if ind.applies_to(LEVEL) and ind.has_value}
    v: dict[str, Any] = {}
    for ind_id in applies:
        ind = index[ind_id]
        if ind_id in compiled.formulas:
            continue
        if ind.type == "choice":
            v[ind_id] = rng.choice([c.code for c in compiled.choice_set(ind)])
        elif ind.type == "percent":
            v[ind_id] = round(rng.uniform(60, 100), 2) if rng.random() < 0.7 else 100
        elif ind.type == "number":  # Triệu đồng
            v[ind_id] = round(rng.uniform(500, 30000), 3)
        elif ind.type == "count":
            lo, hi = _RANGES.get(ind.unit, (0, 10))
            v[ind_id] = rng.randint(lo, hi)

    def set_le(a: str, b: str) -> None:
        if a in v and b in v and v[a] > v[b]:
            v[a] = type(v[a])(round(v[b] * rng.uniform(0.6, 1.0), 3)) if rng.random() < 0.7 else v[b]

    for _ in range(3):  # constraints interact (a total fixed, then its parts clamped)
        for ind_id, formula in ((i, index[i].formula or "") for i in compiled.formulas if i in applies):
            m = _RATIO.match(formula)
            if m:
                set_le(m.group(1), m.group(2))
        for crule in compiled.rules:
            rule = crule.rule
            if rule.levels and LEVEL not in rule.levels:
                continue
            e = rule.expr
            if m := _LE.match(e):
                set_le(m.group(1), m.group(2))
            elif m := _SUM_LE.match(e):
                parts = [p.strip() for p in m.group(1).split(",") if p.strip() in v]
                if m.group(2) in v:
                    v[m.group(2)] = max(v[m.group(2)], sum(v[p] for p in parts))
            elif m := _EQ_SUM.match(e):
                parts = [p.strip() for p in m.group(2).split(",") if p.strip() in applies]
                if m.group(1) in v and all(p in v for p in parts):
                    v[m.group(1)] = sum(v[p] for p in parts)
            elif m := _EQ_PLUS.match(e):
                if all(x in v for x in m.groups()):
                    v[m.group(1)] = v[m.group(2)] + v[m.group(3)]
        # A commune's own e-document rate is its commune rate (the rule compares it with the levels it spans).
        if "ty_le_vb_dien_tu" in v and "ty_le_vb_dien_tu_xa" in v:
            v["ty_le_vb_dien_tu"] = v["ty_le_vb_dien_tu_xa"]
        if v.get("khao_sat_hai_long") == 0:
            v["so_phieu_khao_sat"] = 0
    return v


def completed(compiled: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Values plus every formula, computed by the engine (what a careful officer writes)."""
    from cchc_engine.flow.engine import run
    from cchc_engine.flow.findings import Location
    from cchc_engine.flow.submission import Cell, Submission

    cells = {k: Cell(k, val, str(val), Location()) for k, val in values.items()}
    res = run(compiled, Submission(file="", unit=None, level=LEVEL, period=None, cells=cells))
    return {i.id: i.value for i in res.indicators if i.value is not None}


def _printed(value: Any, unit: str, type_: str, rng: Optional[random.Random]) -> str:
    from cchc_engine.text.messages import fmt_number

    if value is None:
        return ""
    text = fmt_number(value, "vi")
    if rng and type_ == "count" and isinstance(value, int) and value < 10 and rng.random() < 0.1:
        text = f"0{value}"  # the seeds' leading zeros
    return text + "%" if type_ == "percent" else text


def commune_rows(compiled: Any, values: dict[str, Any], rng: Optional[random.Random] = None) -> list[dict]:
    """Appendix rows (form, stt, name, unit, value) of the commune template with ``values``."""
    rows = []
    for fi, form in enumerate(compiled.spec.forms, start=1):
        num = re.search(r"\d+", form.label or "")
        fnum = num.group(0) if num else str(fi)
        for ind in form.walk():
            if not ind.applies_to(LEVEL):
                continue
            raw = values.get(ind.id)
            shown = raw if isinstance(raw, str) else _printed(raw, ind.unit, ind.type, rng)
            rows.append({"form": fnum, "stt": ind.stt_for(LEVEL), "name": ind.name_for(LEVEL), "unit": ind.unit,
                         "value": shown, "note": "", "bold": ind.type == "group"})
    return rows


def title_lines(name: str, period: str) -> list[str]:
    year, _, part = period.partition("-")
    when = f"QUÝ {_ROMAN[part]} NĂM {year}" if part in _ROMAN else (
        f"6 THÁNG ĐẦU NĂM {year}" if part == "H1" else f"NĂM {year}")
    return [f"UBND XÃ {name.upper()}", f"THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH {when}"]


def write_commune(path: Path, name: str, period: str, rows: list[dict], *, numbers: bool = True) -> Path:
    return write_workbook(rows, path, layout="one_sheet", values="numbers" if numbers else "text",
                          title_lines=title_lines(name, period))


def inject_error(values: dict[str, Any], rng: random.Random) -> tuple[dict[str, Any], str]:
    """One realistic mistake; returns the changed values (printed text allowed) and what it was."""
    v = dict(values)
    kind = rng.choice(["ratio-mismatch", "fraction-in-count", "numerator-gt-denominator"])
    if kind == "ratio-mismatch":
        key = "ty_le_hs_xa_dung_han" if v.get("ty_le_hs_xa_dung_han", 0) < 90 else "ty_le_hoan_thanh_ke_hoach"
        base = v.get(key) or 50
        v[key] = round(max(0.0, base - rng.uniform(8, 20)), 2)
    elif kind == "fraction-in-count":
        v["hs_xa_giai_quyet_xong"] = f"{v.get('hs_xa_dung_han', 0)}/{v.get('hs_xa_giai_quyet_xong', 0)}"
    else:
        v["nv_hoan_thanh"] = v.get("nv_de_ra", 10) + rng.randint(1, 5)
    return v, kind


def make_communes(out: Path, n: int, seed: int = 1, period: str = "2023-Q3", error_rate: float = 0.05,
                  compiled: Optional[Any] = None, jobs: int = 1, templates: Optional[int] = None) -> list[dict]:
    """Write ``n`` workbooks into ``out``; returns [{file, unit, error}] (error None when clean).

    With ``templates`` = K < n, only the first K are written by openpyxl (about 50 ms
    each, far more on a busy machine); workbook i > K is workbook i mod K with the
    commune's name changed in its title (a zip rewrite, ~2 ms), so 3,300 distinct
    communes take seconds. Their values repeat every K files."""
    if compiled is None:
        from cchc_engine.spec.registry import resolve

        compiled = resolve("2023")
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    made, tasks = [], []
    for i, name in enumerate(unit_names(n, rng)):
        values = completed(compiled, commune_values(compiled, rng))
        error = None
        if rng.random() < error_rate:
            values, error = inject_error(values, rng)
        path = out / f"xa-{i + 1:05d}.xlsx"
        tasks.append((path, name, period, commune_rows(compiled, values, rng), i % 2 == 0))
        made.append({"file": str(path), "unit": f"xã {name}", "error": error})
    copies = []
    if templates is not None and 0 < templates < n:
        copies = [(tasks[i % templates], t) for i, t in enumerate(tasks) if i >= templates]
        for i in range(templates, n):
            made[i]["error"] = made[i % templates]["error"]
        tasks = tasks[:templates]
    # Writing is the slow part (openpyxl); the values above were drawn in order, so any split is deterministic.
    if jobs > 1 and len(tasks) > 20:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_write_task, tasks, chunksize=16))
    else:
        for t in tasks:
            _write_task(t)
    for template, task in copies:
        renamed_copy(template[0], title_lines(template[1], period)[0], task[0], title_lines(task[1], period)[0])
    return made


def renamed_copy(template: Path, old_title: str, dest: Path, new_title: str) -> None:
    """``template`` with its title line ``old_title`` replaced by ``new_title`` (in the shared
    strings or a sheet's inline strings, as UTF-8 or as character references)."""
    import zipfile
    from xml.sax.saxutils import escape

    def spellings(text: str) -> list[bytes]:
        return [escape(text).encode("utf-8"), escape(text).encode("ascii", "xmlcharrefreplace")]

    olds, news = spellings(old_title), spellings(new_title)
    found = 0
    with zipfile.ZipFile(template) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith(".xml"):
                for old, new in zip(olds, news):
                    found += data.count(old)
                    data = data.replace(old, new)
            zout.writestr(item, data)
    if found != 1:
        raise ValueError(f"{template}: title {old_title!r} found {found} times, not once")


def _write_task(task: tuple) -> None:
    path, name, period, rows, numbers = task
    write_commune(path, name, period, rows, numbers=numbers)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--period", default="2023-Q3")
    ap.add_argument("--error-rate", type=float, default=0.05)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--templates", type=int, default=None,
                    help="write only this many with openpyxl; the rest are renamed copies (fast)")
    args = ap.parse_args(argv)
    made = make_communes(args.out, args.n, args.seed, args.period, args.error_rate, jobs=args.jobs,
                         templates=args.templates)
    bad = sum(1 for m in made if m["error"])
    print(f"{len(made)} workbooks in {args.out} ({bad} with an injected error)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
