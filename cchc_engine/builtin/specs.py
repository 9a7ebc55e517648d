"""Default plugin: registers the bundled specs (specs/<year>/*.yaml) like any third party would."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..hookspecs import hookimpl


def bundled_specs_dir() -> Path:
    """The installed copy (wheel) or, in a source checkout / editable install, the repo's specs/."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "specs"
    return installed if installed.is_dir() else here.parent / "specs"


@hookimpl
def register_specs(register: Callable[..., None]) -> None:
    for path in sorted(bundled_specs_dir().glob("*/*.yaml")):
        register(path)
