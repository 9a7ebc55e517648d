"""Choosing a writer for a command and writing its result (to a file or stdout).

Writers are of two kinds: ``report`` writers (the completed report: table, json,
csv, md, xlsx, docx, …) and ``matrix`` writers (a compilation as one column per
unit: matrix-xlsx, matrix-csv). A writer says its kind with a ``kind`` attribute;
without one, a name starting with ``matrix-`` is a matrix writer and anything
else a report writer. ``compute`` and ``validate`` take report writers only;
``aggregate`` takes both, and a suffix given with ``-o`` picks a report writer
before a matrix one. A suffix no writer of the command writes is an exit-2
message, never a guess. Writers come from the ``host`` given (without one, the
built-in writers).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any, Optional

from .findings import CchcError, Location
from ..plugins.host import PluginHost

KINDS_BY_COMMAND: dict[str, tuple[str, ...]] = {
    "compute": ("report",),
    "validate": ("report",),
    "aggregate": ("report", "matrix"),
}


def writer_kind(name: str, writer: Any) -> str:
    kind = getattr(writer, "kind", None)
    if kind in ("report", "matrix"):
        return kind
    return "matrix" if name.startswith("matrix-") else "report"


def _allowed(command: str, host: PluginHost) -> list[tuple[str, Any]]:
    kinds = KINDS_BY_COMMAND.get(command, ("report",))
    regs = [(r.name, r.item) for r in host.writers.all()]
    # report writers first: a suffix shared by both kinds means the report
    return sorted(
        ((n, w) for n, w in regs if writer_kind(n, w) in kinds),
        key=lambda nw: kinds.index(writer_kind(nw[0], nw[1])),
    )


def get_writer(name: str, host: Optional[PluginHost] = None) -> Any:
    host = host or PluginHost.builtins_only()
    reg = host.writers.get(name)
    if reg is None:
        formats = ", ".join(sorted(r.name for r in host.writers.all()))
        raise CchcError.make("unknown-format", format=name, formats=formats)
    return reg.item


def choose_format(command: str, out: Optional[Path], fmt: Optional[str], host: Optional[PluginHost] = None) -> str:
    """The writer's name for ``command``: ``-f`` if given (checked), else by ``-o``'s suffix, else table."""
    host = host or PluginHost.builtins_only()
    allowed = _allowed(command, host)
    if fmt:
        writer = get_writer(fmt, host)
        if fmt not in {n for n, _ in allowed}:
            raise CchcError.make(
                "format-not-for-command", format=fmt, command=command, formats=", ".join(sorted(n for n, _ in allowed))
            )
        if command == "validate" and getattr(writer, "binary", False):
            raise CchcError.make("validate-binary-format", format=fmt, suffix=getattr(writer, "suffix", ""))
        return fmt
    if out is None or str(out) == "-":
        return "table"
    suffix = out.suffix.lower()
    if not suffix and _is_stream(out):
        return "table"  # -o /dev/null, -o /dev/stderr, a FIFO: what the terminal would show
    for name, writer in allowed:
        if getattr(writer, "suffix", None) == suffix:
            return name
    suffixes = sorted({getattr(w, "suffix", "") for _, w in allowed if getattr(w, "suffix", "")})
    raise CchcError.make(
        "format-suffix-unknown",
        location=Location(file=str(out)),
        file=str(out),
        suffix=suffix,
        command=command,
        suffixes=", ".join(suffixes),
    )


def _is_stream(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def output_path(text: Optional[str]) -> Optional[Path]:
    """``-o``'s text as a path; ``some/dir/`` or an existing directory is refused here.

    (A ``pathlib.Path`` forgets a trailing slash, so this looks at the text.)
    """
    if text is None:
        return None
    if text == "-":
        return Path(text)
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.is_dir():
        raise CchcError.make("output-is-directory", location=Location(file=text), file=text.rstrip("/" + os.sep) or text)
    return path


def write_result(
    result: Any, fmt: str, out: Optional[Path], options: dict, protect: tuple[Path, ...] = (),
    host: Optional[PluginHost] = None,
) -> None:
    """Write with the named writer to ``out`` (atomically for a regular file), or to stdout."""
    from ..atomic import atomic_write
    from ..text.sanitize import clean_output

    host = host or PluginHost.builtins_only()
    writer = get_writer(fmt, host)
    binary = bool(getattr(writer, "binary", False))
    # Every writer (plugins' too) gets text it can write and a terminal cannot obey:
    # no lone surrogates, control characters (ESC sequences) or U+FFFE/U+FFFF.
    result = clean_output(result)

    def write(stream: Any) -> None:
        # A plugin writer that raises is "write failed" naming the plugin (exit 2), not an engine bug.
        # A full disk or a closed pipe is nobody's bug: it passes the guard untouched, for
        # atomic_write / write_stdout to report as "write-failed" (or end quietly).
        from ..atomic import _io_error

        disk: Optional[BaseException] = None
        with host.guard(writer, host.writers, "plugin-write-failed", format=fmt, file=str(out) if out is not None else "-"):
            try:
                writer.write(result, stream, options)
            except Exception as exc:
                if not isinstance(exc, OSError) and _io_error(exc) is None:
                    raise
                disk = exc
        if disk is not None:
            raise disk

    if out is None:
        if binary:
            raise CchcError.make("format-needs-file", format=fmt, suffix=getattr(writer, "suffix", ""))
        write_stdout(write)
        return
    if str(out) == "-":
        write_stdout(write, binary=binary)
        return
    with atomic_write(out, binary, protect=protect) as fh:
        write(fh)


def write_stdout(write: Any, binary: bool = False) -> None:
    """Call ``write(stream)`` on stdout; a reader that went away (``| head``) ends output quietly."""
    stream = sys.stdout.buffer if binary else sys.stdout
    try:
        write(stream)
        stream.flush()
    except BrokenPipeError:
        silence_stdout()


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
