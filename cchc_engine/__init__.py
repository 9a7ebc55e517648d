"""cchc-engine: versioned specs, validation, computation and compilation of CCHC statistics reports."""

from .hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["hookimpl", "__version__"]
