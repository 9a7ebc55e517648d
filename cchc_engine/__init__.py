"""cchc-engine: versioned specs, validation, computation and compilation of CCHC statistics reports.

Plugin authors: ``from cchc_engine import hookimpl`` and everything else from
``cchc_engine.api`` (docs/internals-for-plugins.md).
"""

from typing import Any

from .hookspecs import hookimpl

__version__ = "0.2.0"
__all__ = ["hookimpl", "api", "__version__"]


def __getattr__(name: str) -> Any:
    # `cchc_engine.api` without importing it on every run (it pulls in the writers' helpers).
    if name == "api":
        import importlib

        return importlib.import_module(".api", __name__)
    raise AttributeError(f"module 'cchc_engine' has no attribute {name!r}")
