"""Maintainers' commands: `cchc template`, `cchc spec diff`, `cchc compare`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Optional

import click

from . import Command, PathValue
from .spec_cmds import spec_group

if TYPE_CHECKING:
    from pathlib import Path

FORMATS = click.Choice(["table", "md", "json"])


def register(cli: click.Group) -> None:
    cli.add_command(template_cmd)
    cli.add_command(compare_cmd)
    spec_group.add_command(spec_diff)


def _level(compiled, level: Optional[str]) -> str:
    from ..flow.findings import CchcError

    s = compiled.spec
    if level is None:
        return s.levels[0].id
    lv = s.level(level)
    if lv is None:
        raise CchcError.make("unknown-level", level=level, spec=s.id, levels=", ".join(s.level_ids()))
    return lv.id


# --- template ------------------------------------------------------------------------


@click.command("template", cls=Command)
@click.option("--spec", "spec_name", required=True, help="Spec: a year (2023), an id (2021-ha-tinh) or a YAML path.")
@click.option("--level", default=None, help="Reporting level (tinh, huyen, xa or their names); default the spec's first level.")
@click.option("-o", "--output", "out", type=click.Path(), required=True, help="The .xlsx to write (atomically).")
def template_cmd(spec_name: str, level: Optional[str], out: str) -> None:
    """Write the blank appendix workbook of a spec at one level.

    \b
    Example: cchc template --spec 2023 --level xa -o mau-2023-xa.xlsx
    """
    from ..atomic import atomic_write
    from ..flow.findings import CchcError, Location
    from ..text.messages import render
    from ..flow.output import output_path
    from ..spec.registry import resolve
    from ..template import build_template
    from . import host_for

    out = output_path(out)
    if str(out) != "-" and out.suffix.lower() != ".xlsx":
        # the template is a workbook: any other name would hold xlsx bytes under a lie
        raise CchcError.make("template-suffix", location=Location(file=str(out)), file=str(out), suffix=out.suffix)
    compiled = resolve(spec_name, host_for())
    level_id = _level(compiled, level)
    wb, info = build_template(compiled, level_id)
    with atomic_write(out, binary=True) as fh:
        wb.save(fh)
    click.echo(
        render("template-written", {"file": str(out), "forms": info.forms, "rows": info.rows, "inputs": len(info.inputs),
                                    "level": compiled.spec.level(level_id).name or level_id}),
        err=True,
    )


# --- spec diff ---------------------------------------------------------------------------

KIND_ORDER = ("added", "removed", "renamed", "renumbered", "moved", "unit", "type", "levels", "formula")


def _kind_text(kinds: list[str]) -> str:
    from ..text.messages import render

    return ", ".join(render(f"diff-{k}", {}) for k in KIND_ORDER if k in kinds)


def _side_text(side) -> str:
    return f"{side.stt} {side.name}".strip() if side else ""


def diff_rows(d) -> list[dict[str, Any]]:
    from ..text.messages import render

    rows = []
    for c in d.changes:
        if not c.kinds:
            continue
        detail = []
        if "unit" in c.kinds:
            detail.append(f"{c.old.unit or '∅'} → {c.new.unit or '∅'}")
        if "type" in c.kinds:
            detail.append(f"{c.old.type} → {c.new.type}")
        if "levels" in c.kinds:
            detail.append(f"[{', '.join(c.old.levels)}] → [{', '.join(c.new.levels)}]")
        if "formula" in c.kinds or ("added" in c.kinds and c.new.formula):
            detail.append(f"= {c.new.formula}" if c.new.formula else f"({c.old.formula}) → ∅")
        if "moved" in c.kinds:
            detail.append(f"{c.old.section} → {c.new.section}")
        if c.guess:
            detail.append(render("diff-guess", {"score": c.score}))
        rows.append(
            {
                "change": _kind_text(c.kinds),
                "old": _side_text(c.old),
                "new": _side_text(c.new),
                "old_id": c.old.id if c.old else None,
                "new_id": c.new.id if c.new else None,
                "detail": "; ".join(detail),
            }
        )
    return rows


@click.command("diff", cls=Command)
@click.argument("old")
@click.argument("new")
@click.option("-f", "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Output format.")
def spec_diff(old: str, new: str, fmt: str) -> None:
    """What changed from spec OLD to spec NEW: indicators added, removed, renamed,
    renumbered, moved, with unit, type, levels or formula changed.

    \b
    Matching uses NEW's `previous:` crosswalk, then equal ids, then name
    similarity (shown as a guess with its score: confirm it with `previous:`).
    Example: cchc spec diff 2021 2023 -f md
    """
    from ..text.messages import render
    from ..spec.diff import diff_specs
    from ..spec.registry import resolve
    from . import host_for

    d = diff_specs(resolve(old, host_for()).spec, resolve(new, host_for()).spec)
    if fmt == "json":
        import json

        click.echo(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
        return
    rows = diff_rows(d)
    _print_table(rows, ["change", "old", "new", "detail"], _diff_headers(), fmt)
    counts = {k: len(d.of_kind(k)) for k in KIND_ORDER}
    click.echo("")
    from ..text.termtable import fit_line, terminal_width

    line = f"{d.old} → {d.new}: " + ", ".join(f"{render('diff-' + k, {})} {n}" for k, n in counts.items() if n)
    click.echo(line if fmt == "md" else fit_line(line, terminal_width()))


def _diff_headers() -> list[str]:
    from ..text.messages import render

    return [render(f"diff-col-{c}", {}) for c in ("change", "old", "new", "detail")]


def _print_table(rows: list[dict], keys: list[str], headers: list[str], fmt: str) -> None:
    from ..text.termtable import fit

    table = [[r.get(k, "") for k in keys] for r in rows]
    if fmt == "md":
        click.echo(fit(table, headers, tablefmt="github", width=0))
    else:
        click.echo(fit(table, headers, wrap=tuple(range(len(keys)))))


# --- compare ------------------------------------------------------------------------------


def compare_results(old_res, new_res, old_spec, new_spec) -> list[dict[str, Any]]:
    """Rows of the year-over-year comparison: shared indicators with both values, then the rest."""
    from ..spec.diff import match

    pairs, how = match(old_spec, new_spec)
    old_rows = {r.id: r for r in old_res.indicators}
    new_rows = {r.id: r for r in new_res.indicators}
    out: list[dict[str, Any]] = []
    matched_new = set(pairs.values())
    old_of = {v: k for k, v in pairs.items()}
    for nr in new_res.indicators:
        if nr.type == "group":
            continue
        if nr.id in matched_new and old_of[nr.id] in old_rows:
            orow = old_rows[old_of[nr.id]]
            m, score = how.get(nr.id, ("", None))
            out.append(
                {
                    "status": "shared",
                    "old_id": orow.id, "old_stt": orow.stt, "old_value": orow.value,
                    "new_id": nr.id, "new_stt": nr.stt, "name": nr.name, "new_value": nr.value,
                    "unit": nr.unit, "change": _change(orow.value, nr.value, orow.type, nr.type),
                    "match": m, "score": score,
                }
            )
        else:
            out.append(
                {
                    "status": "only-new", "old_id": None, "old_stt": "", "old_value": None,
                    "new_id": nr.id, "new_stt": nr.stt, "name": nr.name, "new_value": nr.value,
                    "unit": nr.unit, "change": None, "match": "", "score": None,
                }
            )
    for orow in old_res.indicators:
        if orow.type == "group" or orow.id in pairs and pairs[orow.id] in new_rows:
            continue
        out.append(
            {
                "status": "only-old", "old_id": orow.id, "old_stt": orow.stt, "old_value": orow.value,
                "new_id": None, "new_stt": "", "name": orow.name, "new_value": None,
                "unit": orow.unit, "change": None, "match": "", "score": None,
            }
        )
    return out


def _same_unit_and_level(ro, rn, old_file: Path, new_file: Path) -> None:
    """Two reports of different levels are not one unit's years: refuse, do not compare."""
    from ..flow.findings import CchcError
    from ..text.textnorm import name_key

    if ro.level != rn.level:
        raise CchcError.make(
            "compare-level-mismatch", old=str(old_file), new=str(new_file),
            old_level=ro.level_name or ro.level, new_level=rn.level_name or rn.level,
        )
    if ro.unit and rn.unit and name_key(ro.unit) != name_key(rn.unit):
        raise CchcError.make(
            "compare-unit-mismatch", old=str(old_file), new=str(new_file), old_unit=ro.unit, new_unit=rn.unit,
        )


def _change(a: Any, b: Any, ta: str, tb: str) -> Any:
    numeric = ("count", "number", "percent")
    if ta in numeric and tb in numeric and isinstance(a, (int, float)) and isinstance(b, (int, float)):
        d = b - a
        return round(d, 4) if isinstance(d, float) else d
    return None


@click.command("compare", cls=Command)
@click.option("--spec-old", "spec_old", required=True, help="Spec of the older submission (e.g. 2021).")
@click.argument("old_file", type=click.Path(path_type=PathValue))
@click.option("--spec-new", "spec_new", required=True, help="Spec of the newer submission (e.g. 2023).")
@click.argument("new_file", type=click.Path(path_type=PathValue))
@click.option("--level", default=None, help="Reporting level of both files; default from their titles.")
@click.option("--period-old", default=None, help="Period of OLD_FILE (e.g. 2021-Q3); default from its title.")
@click.option("--period-new", default=None, help="Period of NEW_FILE (e.g. 2023-Q3); default from its title.")
@click.option("--unit", default=None, help="Reporting unit's name; default from the titles.")
@click.option("-f", "--format", "fmt", type=FORMATS, default="table", show_default=True, help="Output format.")
def compare_cmd(spec_old, old_file, spec_new, new_file, level, period_old, period_new, unit, fmt) -> None:
    """Compare two submissions made under two specs, year over year.

    \b
    Lists, through the crosswalk (`previous:` in the newer spec, then equal ids,
    then name similarity), the indicators both report with both values and the
    change; indicators without a counterpart are listed, not dropped.
    Example: cchc compare --spec-old 2021 q3-2021.xlsx --spec-new 2023 q3-2023.xlsx
    """
    from ..text.messages import fmt_number, render
    from . import session_for

    old_session, new_session = session_for(spec_old), session_for(spec_new)
    co, cn = old_session.spec, new_session.spec
    ro = old_session.compute(old_file, level=level, period=period_old, unit=unit)
    rn = new_session.compute(new_file, level=level, period=period_new, unit=unit)
    _same_unit_and_level(ro, rn, old_file, new_file)
    rows = compare_results(ro, rn, co.spec, cn.spec)
    if fmt == "json":
        import json

        click.echo(json.dumps({"old": {"spec": co.id, "file": str(old_file), "period": ro.period},
                               "new": {"spec": cn.id, "file": str(new_file), "period": rn.period},
                               "rows": rows}, ensure_ascii=False, indent=2, default=str))
        return
    shown = []
    for r in rows:
        status = {
            "shared": "",
            "only-new": render("compare-only-new", {"spec": cn.id}),
            "only-old": render("compare-only-old", {"spec": co.id}),
        }[r["status"]]
        if r["match"] == "name":
            status = render("diff-guess", {"score": r["score"]})
        shown.append(
            {
                "old": r["old_stt"], "new": r["new_stt"], "name": r["name"], "unit": r["unit"],
                "v_old": "" if r["old_value"] is None else fmt_number(r["old_value"]),
                "v_new": "" if r["new_value"] is None else fmt_number(r["new_value"]),
                "change": "" if r["change"] is None else ("+" if r["change"] > 0 else "") + fmt_number(r["change"]),
                "status": status,
            }
        )
    headers = [f"STT {co.id}", f"STT {cn.id}", render("col-name", {}), render("col-unit", {}), co.id, cn.id,
               render("diff-col-change", {}), render("col-note", {})]
    from ..text.termtable import fit

    keys = ["old", "new", "name", "unit", "v_old", "v_new", "change", "status"]
    table = [[r[k] for k in keys] for r in shown]
    if fmt == "md":
        click.echo(fit(table, headers, tablefmt="github", width=0))
    else:
        click.echo(fit(table, headers, colalign=("left",) * 4 + ("right",) * 3 + ("left",), wrap=(2, 3, 7)))
    n_shared = sum(1 for r in rows if r["status"] == "shared")
    click.echo("", err=True)
    click.echo(
        render("compare-summary", {
            "old": co.id, "new": cn.id, "shared": n_shared,
            "only_old": sum(1 for r in rows if r["status"] == "only-old"),
            "only_new": sum(1 for r in rows if r["status"] == "only-new"),
        }),
        err=True,
    )
    sys.exit(0)
