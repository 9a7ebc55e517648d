"""The collection cycle on the command line: `cchc submit`, `board`, `history`, `explain`,
`review`, `units import|list`, `db upgrade` (and `cchc aggregate --db`, in aggregate_cmds).

Each opens the store (``--db``, else ``CCHC_DB``, else the user's default file) and
calls ``store.Store``; checking a file is the Session's job, as for `cchc compute`.
Exit codes as everywhere: 0 done and valid, 1 the data has errors, 2 unusable.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Callable, Optional

import click

from . import Command, Group, PathValue, error_line, host_for, lang_option, session_for

if TYPE_CHECKING:
    from pathlib import Path

    from ..store import Store


def register(cli: click.Group) -> None:
    for command in (submit, board, history, explain, review, units, db):
        cli.add_command(command)


def store_options(f: Callable) -> Callable:
    """--db and --lang, shared by every store command."""
    return click.option("--db", "db_url", default=None, metavar="URL",
                        help="Store: sqlite:///file.sqlite3 or postgresql://user@host/db; default $CCHC_DB, else a file in your data folder.")(
        lang_option(f)
    )


def by_option(f: Callable) -> Callable:
    return click.option("--by", default=None, help="Who does it (kept in the audit log); default: your login name.")(f)


def open_store(db_url: Optional[str]) -> "Store":
    from ..store.db import require_sqlalchemy

    require_sqlalchemy()
    from ..store import Store

    return Store.open(db_url)


def _who(by: Optional[str]) -> str:
    if by:
        return by
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (a container): still an entry
        return "-"


def _period(period: str) -> str:
    from ..flow.findings import CchcError
    from ..flow.submission import normalise_period

    canonical = normalise_period(period)
    if canonical is None:
        raise CchcError.make("invalid-period", period=period)
    return canonical


def _session(spec_name: Optional[str], period: Optional[str]):
    from ..flow.findings import CchcError

    if not spec_name:
        if not period:
            raise CchcError.make("store-spec-needed")
        spec_name = _period(period)[:4]  # the spec of the period's year
    return session_for(spec_name)


def _when(at: Any) -> str:
    if at is None:
        return ""
    return at.astimezone().strftime("%d/%m/%Y %H:%M")


def _state(state: str) -> str:
    from ..text.messages import render

    return render(f"board-state-{state}", {})


# --- submit ---------------------------------------------------------------------------


@click.command(cls=Command)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=PathValue))
@store_options
@click.option("--spec", "spec_name", default=None, help="Spec: a year (2023), an id or a YAML path; default the year of --period.")
@click.option("--unit", default=None, help="The unit's code in the store; default: the unit the report's title names.")
@click.option("--period", default=None, help="Period: 2023, 2023-H1, 2023-Q3; default from the title.")
@by_option
@click.option("-f", "--format", "fmt", default="table", show_default=True, help="How to print each report's findings (table or json).")
def submit(files: tuple[Path, ...], db_url: Optional[str], spec_name: Optional[str], unit: Optional[str],
           period: Optional[str], by: Optional[str], fmt: str) -> None:
    """Check each FILE as `compute` does (and against the unit's earlier periods) and keep it as a new version.

    \b
    Exit 0: kept, no errors; 1: kept, but a report has errors; 2: a file or the call is unusable (nothing kept for it).
    Example: cchc submit --db sqlite:///cchc.sqlite3 --unit XA01 --period 2023-Q3 bao-cao-q3.xlsx
    """
    from ..flow.findings import CchcError
    from ..text.messages import get_lang, render
    from ..flow.output import choose_format, write_result

    fmt = choose_format("validate", None, fmt, host_for())
    store = open_store(db_url)
    session = _session(spec_name, period)
    who = _who(by)
    worst = 0
    for file in files:
        try:
            if not file.is_file():
                raise CchcError.make("file-not-found", file=str(file))
            kept = store.submit(session, file.read_bytes(), file.name, unit=unit, period=period, by=who)
        except CchcError as exc:
            for finding in exc.findings:
                click.echo(error_line(finding), err=True)
            worst = 2
            continue
        result, sub = kept.result, kept.submission
        write_result(result, fmt, None, {"lang": get_lang(), "findings_only": True, "spec": session.spec}, host=session.host)
        state = render("summary-valid" if result.valid else "summary-invalid", {})
        click.echo(render("submit-stored", {"version": sub.version, "period": sub.period, "unit": sub.unit_name,
                                            "id": sub.id, "state": state}), err=True)
        if not result.valid:
            worst = max(worst, 1)
    store.close()
    sys.exit(worst)


# --- board ----------------------------------------------------------------------------


@click.command(cls=Command)
@store_options
@click.option("--period", required=True, help="Period: 2023, 2023-H1, 2023-Q3.")
@click.option("--under", default=None, help="Only this unit (a code) and the units under it.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json", "xlsx"]), default=None,
              help="table, json or xlsx; default from -o, else table.")
@click.option("-o", "--output", "out", type=click.Path(), default=None, help="Write here (atomically) instead of the terminal.")
def board(db_url: Optional[str], period: str, under: Optional[str], fmt: Optional[str], out: Optional[str]) -> None:
    """Where every expected unit's report for --period stands: not submitted, has errors, warnings not explained, valid, returned, approved.

    \b
    Example: cchc board --db sqlite:///cchc.sqlite3 --period 2023-Q3 --under HUYEN01 -o tinh-hinh.xlsx
    """
    from ..text.messages import render
    from ..flow.output import output_path

    period = _period(period)
    target = output_path(out)
    if fmt is None:
        fmt = "xlsx" if target is not None and str(target).lower().endswith(".xlsx") else \
            "json" if target is not None and str(target).lower().endswith(".json") else "table"
    store = open_store(db_url)
    rows = store.board(period, under=under)
    store.close()
    counts = {s: sum(1 for r in rows if r.state == s) for s in ("missing", "errors", "warnings", "valid", "returned", "approved")}
    summary = render("board-summary", {"total": len(rows), **counts})
    if fmt == "json":
        _emit_text(_board_json(period, under, rows), target)
    elif fmt == "xlsx":
        from ..flow.findings import CchcError

        if target is None or str(target) == "-":
            raise CchcError.make("format-needs-file", format="xlsx", suffix=".xlsx")
        _write_bytes(target, _board_xlsx(period, rows, summary))
    else:
        from ..text.termtable import fit

        headers = [render(f"board-col-{c}", {}) for c in ("code", "unit", "level", "state", "versions", "last", "open", "note")]
        table = [[r.unit.code, r.unit.name, r.unit.level, _state(r.state), r.versions or "", _when(r.last_at),
                  f"{r.unexplained_errors} / {r.unexplained_warnings}" if r.current else "",
                  r.review.reason if r.review is not None and r.review.decision == "return" else ""] for r in rows]
        _emit_text(render("board-title", {"period": period}) + "\n" + fit(table, headers, wrap=(1, 7)) + "\n", target)
    click.echo(summary, err=True)


def _board_json(period: str, under: Optional[str], rows: list) -> str:
    import json

    data = {"period": period, "under": under, "units": [{
        "code": r.unit.code, "name": r.unit.name, "level": r.unit.level, "parent": r.unit.parent,
        "state": r.state, "versions": r.versions, "last_at": r.last_at.isoformat() if r.last_at else None,
        "submission": r.current.id if r.current else None, "version": r.current.version if r.current else None,
        "unexplained_errors": r.unexplained_errors, "unexplained_warnings": r.unexplained_warnings,
        "review": {"decision": r.review.decision, "reason": r.review.reason, "by": r.review.by,
                   "at": r.review.at.isoformat()} if r.review else None,
    } for r in rows]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


_FILLS = {"missing": "D9D9D9", "errors": "F4B6B6", "warnings": "FFE699", "valid": "DDEBF7", "returned": "F8CBAD",
          "approved": "C6E0B4"}


def _board_xlsx(period: str, rows: list, summary: str) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from ..text.messages import render
    from ..writers import sheetprint as sp

    wb = Workbook()
    ws = wb.active
    ws.title = period
    size = sp.BODY_SIZE
    font, bold = Font(name=sp.FONT, size=size), Font(name=sp.FONT, size=size, bold=True)
    ws.append([render("board-title", {"period": period})])
    ws["A1"].font = Font(name=sp.FONT, size=size + 2, bold=True)
    ws.append([summary])
    ws["A2"].font = font
    ws.append([])
    widths = dict(zip("ABCDEFGH", (10, 30, 8, 22, 9, 17, 14, 0)))
    widths = sp.fit_widths({k: v for k, v in widths.items() if k != "H"}, "H", sp.printable_units(8, landscape=True), 24)
    sp.set_widths(ws, widths)
    headers = [render(f"board-col-{c}", {}) for c in ("code", "unit", "level", "state", "versions", "last", "open", "note")]
    ws.append(headers)
    thin = Side(style="thin", color="808080")
    box = Border(top=thin, bottom=thin, left=thin, right=thin)
    for cell in ws[4]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="BDD7EE")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = box
    ws.row_dimensions[4].height = sp.row_height((h, widths[c], size, True, 0) for h, c in zip(headers, "ABCDEFGH"))
    for r in rows:
        values = [r.unit.code, r.unit.name, r.unit.level, _state(r.state), r.versions or None, _when(r.last_at) or None,
                  f"{r.unexplained_errors} / {r.unexplained_warnings}" if r.current else None,
                  r.review.reason if r.review is not None and r.review.decision == "return" else None]
        ws.append(values)
        line = ws.max_row
        for col, letter in enumerate("ABCDEFGH", 1):
            c = ws.cell(line, col)
            c.font, c.border = font, box
            c.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if col in (5, 7) else None)
        ws.cell(line, 4).fill = PatternFill("solid", fgColor=_FILLS[r.state])
        ws.row_dimensions[line].height = sp.row_height(
            (None if v is None else str(v), widths[c], size, False, 0) for v, c in zip(values, "ABCDEFGH"))
    ws.freeze_panes = "A5"
    sp.page_setup(ws, landscape=True, title_rows=(4, 4))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _emit_text(text: str, target: Optional["Path"]) -> None:
    if target is None or str(target) == "-":
        from ..flow.output import write_stdout

        write_stdout(lambda stream: stream.write(text))
        return
    from ..atomic import atomic_write

    with atomic_write(target, False) as fh:
        fh.write(text)


def _write_bytes(target: "Path", data: bytes) -> None:
    from ..atomic import atomic_write

    with atomic_write(target, True) as fh:
        fh.write(data)


# --- history --------------------------------------------------------------------------


@click.command(cls=Command)
@store_options
@click.option("--unit", required=True, help="The unit's code in the store.")
@click.option("--period", default=None, help="Only this period; with it, the current version's findings are listed too.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help="Output format.")
def history(db_url: Optional[str], unit: str, period: Optional[str], fmt: str) -> None:
    """Every version a unit sent: when, by whom, what the check found and what the review decided.

    \b
    Example: cchc history --db sqlite:///cchc.sqlite3 --unit XA01 --period 2023-Q3
    """
    from ..text.messages import render

    period = _period(period) if period else None
    store = open_store(db_url)
    u = store.unit(unit)
    subs = store.history(unit, period)
    reviews = {s.id: store.reviews(s.id) for s in subs}
    explained: dict[str, list] = {}
    if period:
        for e in store.explanations(unit, period):
            explained[e.finding_key] = e  # the newest explanation of a key is in force
    store.close()
    if fmt == "json":
        import json

        data = {"unit": u.code, "name": u.name, "period": period, "versions": [{
            "id": s.id, "period": s.period, "version": s.version, "spec": s.spec, "file": s.filename, "sha256": s.sha256,
            "by": s.by, "at": s.at.isoformat(), "valid": s.valid, "errors": s.errors, "warnings": s.warnings,
            "infos": s.infos, "reviews": [{"decision": r.decision, "reason": r.reason, "by": r.by, "at": r.at.isoformat()}
                                          for r in reviews[s.id]],
            "findings": [{"number": i, "key": f["key"], "severity": f["severity"], "message": f.get("message", ""),
                          "explainable": f.get("explainable", False),
                          "explanation": explained[f["key"]].text if f["key"] in explained else None}
                         for i, f in enumerate(s.findings, 1)],
        } for s in subs]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not subs:
        click.echo(render("history-none", {"unit": u.name}))
        return
    from ..text.termtable import fit

    headers = [render(f"history-col-{c}", {}) for c in ("period", "version", "file", "by", "at", "result", "review")]
    table = []
    for s in subs:
        last = reviews[s.id][-1] if reviews[s.id] else None
        review_text = "" if last is None else _state("approved" if last.decision == "approve" else "returned") + (
            f": {last.reason}" if last.reason else "") + f" ({last.by})"
        table.append([s.period, s.version, s.filename, s.by, _when(s.at),
                      render("history-counts", {"errors": s.errors, "warnings": s.warnings}), review_text])
    click.echo(f"{u.name} ({u.code})")
    click.echo(fit(table, headers, wrap=(2, 6)))
    if period:
        cur = subs[-1]
        if cur.findings:
            click.echo("")
            click.echo(render("history-findings", {"version": cur.version, "period": cur.period}))
            for i, f in enumerate(cur.findings, 1):
                mark = "!" if f["severity"] == "error" else "-"
                click.echo(f" {i:>3} {mark} [{f['key']}] {f.get('message', '')}")
                if f["key"] in explained:
                    click.echo("       " + render("history-explained", {"text": explained[f["key"]].text}))


# --- explain and review -----------------------------------------------------------------


def _pick(store: "Store", unit: str, period: str, version: Optional[int]):
    from ..flow.findings import CchcError

    period = _period(period)
    if version is None:
        sub = store.current(unit, period)
    else:
        sub = next((s for s in store.history(unit, period) if s.version == version), None)
    if sub is None:
        raise CchcError.make("store-no-submission", unit=store.unit(unit).name, period=period)
    return sub


@click.command(cls=Command)
@store_options
@click.option("--unit", required=True, help="The unit's code in the store.")
@click.option("--period", required=True, help="Period: 2023, 2023-H1, 2023-Q3.")
@click.option("--finding", required=True, help="The finding: its number or key as `cchc history --period` lists them.")
@click.option("--text", required=True, help="The explanation: why the figure is right, or cannot be corrected.")
@click.option("--version", type=int, default=None, help="Version explained; default the current one.")
@by_option
def explain(db_url: Optional[str], unit: str, period: str, finding: str, text: str, version: Optional[int],
            by: Optional[str]) -> None:
    """Keep a unit's explanation of a warning (or of an error the spec lets units explain).

    \b
    The explanation stays with the same finding in later versions and goes up with the compiled report.
    Example: cchc explain --db sqlite:///cchc.sqlite3 --unit XA01 --period 2023-Q3 --finding 2 --text "..."
    """
    from ..text.messages import render

    store = open_store(db_url)
    sub = _pick(store, unit, period, version)
    kept = store.explain(sub.id, finding, text, by=_who(by))
    store.close()
    click.echo(render("explain-kept", {"unit": sub.unit_name, "finding": kept.finding_key}), err=True)


@click.command(cls=Command)
@store_options
@click.option("--unit", required=True, help="The unit's code in the store.")
@click.option("--period", required=True, help="Period: 2023, 2023-H1, 2023-Q3.")
@click.option("--approve", is_flag=True, help="Approve the current version.")
@click.option("--return", "return_reason", default=None, metavar="REASON", help="Return the current version, saying why.")
@by_option
def review(db_url: Optional[str], unit: str, period: str, approve: bool, return_reason: Optional[str],
           by: Optional[str]) -> None:
    """Approve, or return with a reason, a unit's current version for a period.

    \b
    Approving needs every error corrected or (where the spec allows) explained.
    Example: cchc review --db sqlite:///cchc.sqlite3 --unit XA01 --period 2023-Q3 --return "Thiếu số liệu mục 3"
    """
    from ..text.messages import render

    if approve == (return_reason is not None):
        from ..flow.findings import CchcError

        raise CchcError.make("store-review-decision")
    store = open_store(db_url)
    sub = _pick(store, unit, period, None)
    decision = "approve" if approve else "return"
    store.review(sub.id, decision, return_reason or "", by=_who(by))
    store.close()
    code = "review-approved" if approve else "review-returned"
    click.echo(render(code, {"unit": sub.unit_name, "version": sub.version, "period": sub.period,
                             "reason": return_reason or ""}), err=True)


# --- the organisation and the database -------------------------------------------------


@click.group(cls=Group)
def units() -> None:
    """The organisation: the units that report, their levels and who is above whom."""


@units.command("import", cls=Command)
@click.argument("file", type=click.Path(path_type=PathValue))
@store_options
@by_option
def units_import(file: Path, db_url: Optional[str], by: Optional[str]) -> None:
    """Add or update units from a CSV file with the columns code, name, level, parent (and optionally active).

    \b
    Example: cchc units import --db sqlite:///cchc.sqlite3 don-vi.csv
    """
    from ..text.messages import render

    rows = read_units_csv(file)
    store = open_store(db_url)
    added, updated = store.import_units(rows, by=_who(by))
    store.close()
    click.echo(render("units-imported", {"added": added, "updated": updated}), err=True)


def read_units_csv(file: "Path") -> list[dict[str, str]]:
    """The organisation file: UTF-8 (with or without BOM), comma or semicolon separated."""
    import csv
    import io

    from ..flow.findings import CchcError, Location
    from ..text.messages import os_error, render

    def bad(row: int, error: str) -> CchcError:
        return CchcError.make("store-units-file", location=Location(file=str(file), row=row), file=file.name,
                              row=row, error=error)

    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CchcError.make("file-unreadable", location=Location(file=str(file)), file=file.name, error=os_error(exc)) from None
    except UnicodeDecodeError:
        raise bad(1, "UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = [(f or "").strip().lower() for f in reader.fieldnames or []]
    missing = [c for c in ("code", "name", "level") if c not in fields]
    if missing:
        raise bad(1, render("store-units-columns", {"missing": ", ".join(missing)}))
    rows, seen = [], set()
    for n, raw in enumerate(reader, 2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        for column in ("code", "name", "level"):
            if not row.get(column):
                raise bad(n, render("store-units-empty-field", {"column": column}))
        if row["code"] in seen:
            raise bad(n, render("store-units-duplicate", {"code": row["code"]}))
        seen.add(row["code"])
        rows.append(row)
    return rows


@units.command("list", cls=Command)
@store_options
@click.option("--under", default=None, help="Only this unit (a code) and the units under it.")
def units_list(db_url: Optional[str], under: Optional[str]) -> None:
    """List the units (code, name, level, parent), each under its parent.

    \b
    Example: cchc units list --db sqlite:///cchc.sqlite3 --under HUYEN01
    """
    from ..text.messages import render
    from ..text.termtable import fit

    store = open_store(db_url)
    everything = store.units(under)
    store.close()
    depth: dict[str, int] = {}
    table = []
    for u in everything:
        d = depth[u.parent] + 1 if u.parent in depth else 0
        depth[u.code] = d
        table.append([u.code, "  " * d + u.name, u.level, u.parent or ""])
    headers = [render("board-col-code", {}), render("board-col-unit", {}), render("board-col-level", {}), render("board-col-parent", {})]
    click.echo(fit(table, headers, wrap=(1,)))


@click.group(cls=Group)
def db() -> None:
    """The store's database."""


@db.command("upgrade", cls=Command)
@store_options
def db_upgrade(db_url: Optional[str]) -> None:
    """Create the store, or bring its tables up to this version of cchc (safe to run again).

    \b
    Example: cchc db upgrade --db postgresql://cchc@localhost/cchc
    """
    from ..text.messages import render
    from ..store.db import shown_url
    from ..store.schema import HEAD

    store = open_store(db_url)
    url = shown_url(store.url)
    store.close()
    click.echo(render("db-upgraded", {"url": url, "head": HEAD}), err=True)


# --- cchc aggregate --db ------------------------------------------------------------------


def aggregate_from_store(db_url: Optional[str], spec_name: Optional[str], unit: str, period: Optional[str],
                         fmt: Optional[str], out: Optional[str], include_pending: bool) -> None:
    """`cchc aggregate --db`: compile --unit's report for --period from the store."""
    from ..flow.findings import CchcError
    from ..text.messages import get_lang, render
    from ..flow.output import choose_format, output_path, write_result

    if not period:
        from ..text.messages import render as r

        raise CchcError.make("missing-metadata", what=r("meta-period", {}), option=r("meta-period-option", {}))
    period = _period(period)
    target = output_path(out)
    fmt = choose_format("aggregate", target, fmt, host_for())
    store = open_store(db_url)
    session = _session(spec_name, period)
    result = store.compile(session, period, unit, accepted_only=not include_pending)
    store.close()
    info = result.extra["aggregate"]
    write_result(result, fmt, target, {"lang": get_lang(), "findings_only": False, "spec": session.spec}, host=session.host)
    s = result.stats
    click.echo(render("aggregate-store-summary", {
        "included": len(info["included"]), "period": period, "missing": len(result.extra["store"]["missing"]),
        "errors": s.errors, "warnings": s.warnings}) + (f" → {target}" if target is not None else ""), err=True)
    sys.exit(0 if result.valid else 1)
