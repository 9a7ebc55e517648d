"""`cchc aggregate`: compile the reports of many units into the level above."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Optional

import click

from . import Command, PathValue, host_for, lang_now, session_for

if TYPE_CHECKING:
    from pathlib import Path


def register(cli: click.Group) -> None:
    cli.add_command(aggregate)


@click.command(cls=Command)
@click.option("--spec", "spec_name", required=True, help="Spec: a year (2023), an id (2021-ha-tinh) or a YAML path.")
@click.option("--level", required=True, help="Level of the compiled report (tinh, huyen or their names).")
@click.option("--unit", "unit_name", required=True, help="Name of the compiling unit, as its reports' titles write it.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=PathValue))
@click.option("--period", default=None, help="Period to compile (2023-Q3); default: the units' majority period.")
@click.option("--units-level", default=None, help="Level of the units compiled; default: the level just below --level.")
@click.option("-f", "--format", "fmt", default=None, help="Output format (json, table, matrix-xlsx, matrix-csv, ...); default from -o, else table.")
@click.option("-o", "--output", "out", type=click.Path(), default=None, help="Write here (atomically) instead of the terminal.")
@click.option("--skip-invalid", is_flag=True, help="Leave out units whose report has errors (default: include them, with a warning).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes; default: the number of CPUs.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default=None, is_eager=True, callback=lang_now,
                  help="Language of messages and headers.")
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
    lang: Optional[str],
    no_cache: bool,
) -> None:
    """Compile the reports in PATHS (files or folders) into one report for --unit at --level.

    \b
    Exit 0: compiled, no errors; 1: some report or file has errors; 2: nothing usable.
    Example: cchc aggregate --spec 2023 --level huyen --unit "huyện Lâm Thao" bao-cao-xa/ -f matrix-xlsx -o tong-hop.xlsx
    """
    from ..aggregate import Compiler
    from ..collect import expand_paths, read_units
    from ..findings import CchcError, Finding
    from ..messages import get_lang, render
    from ..output import choose_format, output_path, write_result
    from ..submission import normalise_period
    from ..unitcache import UnitCache

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
    # A re-run reads only the files that changed (unitcache.py); no reader options to key yet.
    cache = None if no_cache else UnitCache.open(compiled, get_lang(), host=host, options={})
    try:
        show_bar = sys.stderr.isatty() and len(files) >= 20
        if show_bar:
            with click.progressbar(length=len(files), label=render("aggregate-progress", {}), file=sys.stderr) as bar:
                for u in read_units(files, session, jobs, on_done=bar.update, cache=cache):
                    compiler.add(u)
        else:
            for u in read_units(files, session, jobs, cache=cache):
                compiler.add(u)
    finally:
        if cache is not None:
            cache.close()

    result = session.check(compiler.result())  # the plugins' checks of the compiled report
    info = result.extra["aggregate"]
    if not info["included"]:
        problems = [f for f in result.findings if f.severity == "error" or f.code.startswith("aggregate-")]
        raise CchcError(problems + [Finding.make("aggregate-no-units", "error", excluded=len(info["excluded"]))])
    options = {"lang": get_lang(), "findings_only": False, "spec": compiled}
    write_result(result, fmt, out, options, protect=tuple(files), host=host)
    s = result.stats
    summary = render(
        "aggregate-summary",
        {"included": len(info["included"]), "excluded": len(info["excluded"]), "period": info["period"] or "?",
         "errors": s.errors, "warnings": s.warnings},
    )
    click.echo(summary + (f" → {out}" if out is not None else ""), err=True)
    sys.exit(0 if result.valid else 1)
