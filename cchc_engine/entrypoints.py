"""Moved to ``cchc_engine.plugins.entrypoints``; this name stays for code that imports it."""

import sys

from .plugins import entrypoints as _moved

sys.modules[__name__] = _moved
