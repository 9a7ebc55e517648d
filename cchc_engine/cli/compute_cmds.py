"""`cchc compute` and `cchc validate`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Callable, Optional

import click

from . import Command, PathValue, host_for, lang_option, session_for

if TYPE_CHECKING:
    from pathlib import Path


def register(cli: click.Group) -> None:
    cli.add_command(compute)
    cli.add_command(validate)


def submission_options(f: Callable) -> Callable:
    """--spec / --level / --period / --unit / --lang, shared by every command that reads a submission."""
    f = lang_option(f)
    f = click.option("--unit", default=None, help="Reporting unit's name; default from the title.")(f)
    f = click.option("--period", default=None, help="Period: 2023, 2023-H1, 2023-Q3; default from the title.")(f)
    f = click.option("--level", default=None, help="Reporting level (tinh, huyen, xa or their names); default from the title "
                                                   "(a one-level spec needs none).")(f)
    return click.option("--spec", "spec_name", default=None,
                        help="Spec: a year (2023), an id (2021-ha-tinh) or a YAML path; default: the installed spec of the year "
                             "the title states that fits its level.")(f)


def _run(spec_name: Optional[str], file: Path, level, period, unit):
    """The spec named, or the one the document says (said on stderr, in one line, as soon
    as it is chosen), and the Result: one read of the file, through this run's Session."""
    from ..text.lang import get_lang
    from ..text.messages import render
    from ..flow.pipeline import prepare
    from ..session import Session

    host = host_for()
    session = session_for(spec_name) if spec_name else None
    compiled, sub = prepare(
        file, session.spec if session is not None else None, level=level, period=period, unit=unit, host=host,
        mapper=(lambda _compiled, lv: session.mapper(lv)) if session is not None else None,
        on_choice=lambda note: click.echo(note.message, err=True),
    )
    if session is None:
        session = Session(spec=compiled, host=host, lang=get_lang())
    # A wrong year's spec turns every row into findings: say why first, where it is seen.
    for f in sub.findings:
        if f.code in _SAID_FIRST:
            click.echo(render("cli-warning-prefix", {"text": f.message}), err=True)
    chosen = session
    return compiled, chosen.run(lambda: chosen.computed(sub))


_SAID_FIRST = ("spec-year-mismatch", "period-contradicts-document")


def _writer_options(compiled, findings_only: bool = False, findings: bool = True) -> dict:
    from ..text.messages import get_lang

    return {"lang": get_lang(), "findings_only": findings_only, "findings": findings, "spec": compiled}


@click.command(cls=Command)
@submission_options
@click.argument("file", type=click.Path(path_type=PathValue))
@click.option("-f", "--format", "fmt", default=None, help="Output format (installed: see `cchc plugins`); default from -o, else table.")
@click.option("-o", "--output", "out", type=click.Path(), default=None, help="Write here (atomically) instead of the terminal.")
@click.option("--no-findings", "no_findings", is_flag=True, help="Leave the findings out of the printed report (the xlsx sheet, the Word section, the Markdown part): the form alone, to sign.")
def compute(
    spec_name: Optional[str], file: Path, level: Optional[str], period: Optional[str], unit: Optional[str], fmt: Optional[str],
    out: Optional[str], no_findings: bool = False,
) -> None:
    """Read FILE, validate every value, compute derived indicators, write the completed report.

    \b
    Exit 0: no errors; 1: the data has errors; 2: the call or the file is unusable.
    Example: cchc compute --spec 2023 examples/lam-thao-2023-q3.xlsx -f xlsx -o ket-qua.xlsx
    """
    from ..flow.output import choose_format, output_path, write_result

    out = output_path(out)
    fmt = choose_format("compute", out, fmt, host_for())  # a wrong -f/-o is a usage error before the read
    compiled, result = _run(spec_name, file, level, period, unit)
    write_result(result, fmt, out, _writer_options(compiled, findings=not no_findings), protect=(file,), host=host_for())
    if out is not None and str(out) != "-":
        click.echo(_summary(result, out), err=True)
    sys.exit(0 if result.valid else 1)


@click.command(cls=Command)
@submission_options
@click.argument("file", type=click.Path(path_type=PathValue))
@click.option("-f", "--format", "fmt", default="table", show_default=True, help="Output format.")
def validate(spec_name: Optional[str], file: Path, level: Optional[str], period: Optional[str], unit: Optional[str], fmt: str) -> None:
    """Validate FILE against a spec and print the findings only.

    Exit 0 / 1 / 2 as for compute.
    """
    from ..flow.output import choose_format, write_result

    fmt = choose_format("validate", None, fmt, host_for())
    compiled, result = _run(spec_name, file, level, period, unit)
    write_result(result, fmt, None, _writer_options(compiled, findings_only=True), host=host_for())
    sys.exit(0 if result.valid else 1)


def _summary(result, out: Path) -> str:
    from ..text.messages import render

    s = result.stats
    state = render("summary-valid" if result.valid else "summary-invalid", {})
    return render(
        "compute-written",
        {"file": str(out), "indicators": s.indicators, "reported": s.reported, "computed": s.computed, "missing": s.missing,
         "errors": s.errors, "warnings": s.warnings, "infos": s.infos, "dropped": s.rows_dropped, "state": state},
    )
