"""`cchc specs` and `cchc spec show|check|schema`."""

from __future__ import annotations

from typing import Optional

import click

from . import Command, Group


def register(cli: click.Group) -> None:
    cli.add_command(specs_cmd)
    cli.add_command(spec_group)


@click.command("specs", cls=Command)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("-v", "--verbose", is_flag=True, help="Also show where each spec comes from (plugin) and its file.")
def specs_cmd(as_json: bool, verbose: bool = False) -> None:
    """List known specs: id, year, title, indicator counts, levels (origin and file with -v).

    Specs come from plugins (the bundled ones included), the CCHC_SPECS_PATH folders
    and the user's folder (~/.config/cchc/specs).
    """
    from ..text.messages import render
    from ..text.termtable import fit

    from ..spec.registry import spec_listing
    from . import host_for

    rows = []
    for reg in sorted(spec_listing(host_for()).all(), key=lambda r: r.name):
        spec = reg.item.compiled.spec
        rows.append(
            {
                "id": spec.id,
                "year": spec.year,
                "title": spec.title,
                "indicators": spec.indicator_count(),
                "rows": sum(1 for _ in spec.indicators()),
                "levels": [lv.id for lv in spec.levels],
                "plugin": reg.plugin,
                "origin": reg.plugin,
                "path": str(reg.item.path),
                "problems": len(reg.item.problems),
            }
        )
    if as_json:
        import json

        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    # What tells specs apart fits 80 columns: the origin and the file (a long path that
    # would wrap into a column of fragments) are shown on request, one line each.
    columns = ("id", "year", "title", "rows", "indicators", "levels")
    headers = [render(f"specs-col-{c}", {}) for c in columns]
    table = [[r["id"], r["year"], r["title"], r["rows"], r["indicators"], ", ".join(r["levels"])] for r in rows]
    click.echo(fit(table, headers, colalign=("left", "left", "left", "right", "right", "left"), wrap=(2, 3, 4, 5)))
    if verbose:
        origin, path = render("specs-col-origin", {}), render("specs-col-path", {})
        click.echo("")
        for r in rows:
            click.echo(f"{r['id']}: {origin} {r['origin']} · {path} {r['path']}")


@click.group("spec", cls=Group)
def spec_group() -> None:
    """Show, check and describe specs."""


@spec_group.command("show")
@click.argument("spec")
@click.option("--form", "form_id", default=None, help="Only this form (e.g. bm3).")
@click.option("--level", default=None, help="Only indicators reported at this level, with its STT and names.")
def spec_show(spec: str, form_id: Optional[str], level: Optional[str]) -> None:
    """Print a spec's indicator tree: STT, name, unit, type, levels, formula.

    SPEC is a year, an id or a path to a YAML file.
    """
    from ..flow.findings import CchcError
    from ..text.messages import render
    from ..spec.registry import resolve
    from ..text.termtable import fit, fit_line, terminal_width
    from . import host_for

    compiled = resolve(spec, host_for())
    s = compiled.spec
    if level is not None and s.level(level) is None:
        raise CchcError.make("unknown-level", level=level, spec=s.id, levels=", ".join(s.level_ids()))
    level_id = s.level(level).id if level else None
    width = terminal_width()
    click.echo(fit_line(f"{s.id} — {s.title} ({s.year})", width))
    for doc in s.documents:
        click.echo(fit_line("  " + render("spec-show-document", {"doc": doc}), width))
    forms = [f for f in s.forms if form_id in (None, f.id)]
    if form_id and not forms:
        raise CchcError.make("spec-show-no-form", form=form_id, forms=", ".join(f.id for f in s.forms))
    for form in forms:
        click.echo("")
        heading = form.markers[0] if form.markers else form.label
        click.echo(f"[{form.id}] {heading + ': ' if heading else ''}{form.title}")
        rows = []
        for ind, depth in _walk_depth(form.indicators):
            if not ind.applies_to(level_id):
                continue
            rows.append(
                [
                    ind.stt_for(level_id),
                    "  " * depth + ind.name_for(level_id),
                    _unit_text(ind),
                    _kind_text(ind),
                    ", ".join(ind.levels) if ind.levels else render("spec-show-all-levels", {}),
                    ind.formula or "",
                    ind.id,
                ]
            )
        headers = [render(f"spec-show-col-{c}", {}) for c in ("stt", "name", "unit", "type", "levels", "formula", "id")]
        click.echo(fit(rows, headers, wrap=(1, 2, 3, 4, 5, 6)))
    if form_id is None and s.rules:
        click.echo("")
        click.echo(render("spec-show-rules", {"n": len(s.rules)}))
        click.echo(
            fit(
                [[r.id, r.severity, render(f"show-scope-{r.applies_to}", {}), r.expr] for r in s.rule_list],
                [render(f"spec-show-col-{c}", {}) for c in ("id", "severity", "scope", "expr")],
                wrap=(0, 2, 3),
            )
        )


def _unit_text(ind) -> str:
    from ..text.messages import render

    if ind.meant_unit and ind.meant_unit != ind.unit:
        return render("show-meant-unit", {"printed": ind.unit, "meant": ind.meant_unit})
    return ind.unit


def _kind_text(ind) -> str:
    from ..text.messages import render

    """The type, with the row constructs that change how the row is read or checked."""
    parts = [ind.type + (f" ({ind.choices})" if ind.choices else "")]
    if ind.note_of:
        parts.append(render("show-note-of", {"ref": ind.note_of}))
    elif not ind.printed:
        parts.append(render("show-not-printed", {}))
    elif ind.row == "item" and not ind.stt:
        parts.append(render("show-item", {}))
    elif ind.row_kind == "breakdown" and ind.type != "group":
        parts.append(render("show-breakdown", {}))
    if ind.children_total:
        parts.append(render(f"show-total-{ind.children_total.replace('_', '-')}", {}))
    if ind.stt_repeats:
        parts.append(render("show-stt-repeats", {}))
    return "; ".join(parts)


def _walk_depth(inds, depth: int = 0):
    for ind in inds:
        yield ind, depth
        yield from _walk_depth(ind.children, depth + 1)


@spec_group.command("check")
@click.argument("spec")
def spec_check(spec: str) -> None:
    """Check a spec: exit 0 when sound, 1 with located messages when not.

    SPEC is a year, an id or a path to a YAML file.
    """
    from pathlib import Path

    from ..flow.findings import CchcError
    from ..text.messages import render
    from ..spec.registry import compile_file, find_entry, looks_like_path
    from . import host_for

    host = host_for()
    try:
        if looks_like_path(spec):  # a bare word is an id, never a file of the working folder
            compiled, problems = compile_file(Path(spec), host=host)
        else:
            entry = find_entry(spec, host)
            compiled, problems = entry.compiled, entry.problems
    except CchcError as exc:
        if exc.findings and exc.findings[0].code in ("spec-not-found", "spec-file-missing", "file-not-regular", "spec-not-a-spec"):
            raise  # nothing to check: an unusable call, exit 2
        raise CchcError(exc.findings, exit_code=1) from None
    if problems:
        raise CchcError(problems, exit_code=1)
    from ..spec.lint import attribute_to_parents, lint_spec, previous_spec

    # the compiler's warnings are located in the YAML (file, line, path) that wrote them
    warnings = list(compiled.warnings) + attribute_to_parents(compiled, lint_spec(compiled, previous_spec(compiled, host)), host)
    for warning in warnings:  # warnings only: exit code stays 0
        click.echo(render("cli-warning-prefix", {"text": warning.located()}), err=True)
    s = compiled.spec
    click.echo(
        render("spec-check-ok", {
            "spec": s.id, "forms": len(s.forms), "rows": sum(1 for _ in s.indicators()), "indicators": s.indicator_count(),
            "formulas": len(compiled.formulas), "rules": len(compiled.rules),
        })
    )


@spec_group.command("schema")
def spec_schema() -> None:
    """Print the JSON Schema of spec files (point your editor at it)."""
    import json

    from ..spec.schema import spec_schema as make

    click.echo(json.dumps(make(), ensure_ascii=False, indent=2))
