"""`cchc aggregate`: compile the reports of many units into the level above."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Optional

import click

from . import Command, PathValue, host_for, lang_option, session_for

if TYPE_CHECKING:
    from pathlib import Path


def register(cli: click.Group) -> None:
    cli.add_command(aggregate)


@click.command(cls=Command)
@click.option("--spec", "spec_name", default=None, help="Spec: a year (2023), an id (2021-ha-tinh) or a YAML path.")
@click.option("--level", default=None, help="Level of the compiled report (tinh, huyen or their names).")
@click.option("--unit", "unit_name", required=True, help="Name of the compiling unit, as its reports' titles write it.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=PathValue))
@click.option("--db", "db_url", default=None, metavar="URL",
              help="Compile from the store instead of files: --unit is the unit's code, --period is needed (see docs/store.md).")
@click.option("--include-pending", is_flag=True, help="With --db: also compile current versions not yet approved (never returned ones).")
@click.option("--period", default=None, help="Period to compile (2023-Q3), and of the files that do not say theirs; "
                                             "default: the units' majority period.")
@click.option("--units-level", default=None, help="Level of the units compiled, and of the files that do not say theirs; "
                                                  "default: the level just below --level.")
@click.option("-f", "--format", "fmt", default=None, help="Output format (json, table, matrix-xlsx, matrix-csv, ...); default from -o, else table.")
@click.option("-o", "--output", "out", type=click.Path(), default=None, help="Write here (atomically) instead of the terminal.")
@click.option("--no-findings", "no_findings", is_flag=True, help="Leave the findings out of the printed report (the xlsx sheet, the Word section, the Markdown part): the form alone, to sign.")
@click.option("--skip-invalid", is_flag=True, help="Leave out units whose report has errors (default: include them, with a warning).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes; default: the number of CPUs.")
@lang_option
@click.option("--no-cache", is_flag=True, help="Read every file again, ignoring (and not updating) the cache of unit results.")
def aggregate(
    spec_name: str,
    level: str,
    unit_name: str,
    paths: tuple[Path, ...],
    period: Optional[str],
    units_level: Optional[str],
    fmt: Optional[str],
    out: Optional[Path],
    skip_invalid: bool,
    jobs: Optional[int],
    no_cache: bool,
    db_url: Optional[str],
    include_pending: bool,
    no_findings: bool = False,
) -> None:
    """Compile the reports in PATHS (files or folders) into one report for --unit at --level.

    \b
    Exit 0: compiled, no errors; 1: some report or file has errors; 2: nothing usable.
    Example: cchc aggregate --spec 2023 --level huyen --unit "huyện Lâm Thao" bao-cao-xa/ -f matrix-xlsx -o tong-hop.xlsx
    """
    if db_url is not None:
        from .store_cmds import aggregate_from_store

        return aggregate_from_store(db_url, spec_name, unit_name, period, fmt, out, include_pending)
    _require(spec_name=spec_name, level=level, paths=paths)
    from ..compile.aggregate import Compiler, below
    from ..compile.collect import expand_paths, read_units
    from ..flow.findings import CchcError, Finding
    from ..text.messages import get_lang, render
    from ..flow.output import choose_format, output_path, write_result
    from ..flow.submission import normalise_period
    from ..compile.unitcache import UnitCache

    session = session_for(spec_name)
    host = session.host
    compiled = session.spec
    spec = compiled.spec
    lv = spec.level(level)
    if lv is None:
        raise CchcError.make("unknown-level", level=level, spec=spec.id, levels=", ".join(spec.level_ids()))
    ulv = None
    if units_level:
        found = spec.level(units_level)
        if found is None:
            raise CchcError.make("unknown-level", level=units_level, spec=spec.id, levels=", ".join(spec.level_ids()))
        ulv = found.id
    if period:
        canonical = normalise_period(period)
        if canonical is None:
            raise CchcError.make("invalid-period", period=period)
        period = canonical
    files = expand_paths(list(paths), host)
    if not files:
        raise CchcError.make("aggregate-no-files", paths=", ".join(str(p) for p in paths))
    out = output_path(out)
    fmt = choose_format("aggregate", out, fmt, host)  # a wrong -f/-o is a usage error before the long read

    jobs = jobs or os.cpu_count() or 1
    # Units are compiled as they arrive: the parent keeps each one's provenance, not its values.
    compiler = Compiler(compiled, lv.id, unit_name, period, units_level=ulv, skip_invalid=skip_invalid)
    # What a file without a title block is taken to be: the units' level, --period.
    defaults = {"level": ulv or below(compiled, lv.id), "period": period}
    # A re-run reads only the files that changed (unitcache.py); the defaults change what a file gives.
    cache = None if no_cache else UnitCache.open(compiled, get_lang(), host=host, options={"defaults": defaults})
    try:
        show_bar = sys.stderr.isatty() and len(files) >= 20
        if show_bar:
            with click.progressbar(length=len(files), label=render("aggregate-progress", {}), file=sys.stderr) as bar:
                for u in read_units(files, session, jobs, on_done=bar.update, cache=cache, defaults=defaults):
                    compiler.add(u)
        else:
            for u in read_units(files, session, jobs, cache=cache, defaults=defaults):
                compiler.add(u)
    finally:
        if cache is not None:
            cache.close()

    result = session.check(compiler.result())  # the plugins' checks of the compiled report
    info = result.extra["aggregate"]
    if not info["included"]:
        problems = [f for f in result.findings if f.severity == "error" or f.code.startswith("aggregate-")]
        raise CchcError(problems + [Finding.make("aggregate-no-units", "error", excluded=len(info["excluded"]))])
    options = {"lang": get_lang(), "findings_only": False, "findings": not no_findings, "spec": compiled}
    write_result(result, fmt, out, options, protect=tuple(files), host=host)
    s = result.stats
    summary = render(
        "aggregate-summary",
        {"included": len(info["included"]), "excluded": len(info["excluded"]), "period": info["period"] or "?",
         "errors": s.errors, "warnings": s.warnings},
    )
    click.echo(summary + (f" → {out}" if out is not None else ""), err=True)
    sys.exit(0 if result.valid else 1)


def _require(**given: object) -> None:
    """--spec, --level and PATHS are needed when compiling files (not with --db)."""
    ctx = click.get_current_context()
    for name, value in given.items():
        if not value:
            param = next(p for p in ctx.command.params if p.name == name)
            raise click.MissingParameter(ctx=ctx, param=param)
