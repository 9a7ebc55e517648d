"""How many examples a hypothesis test draws: a fifth by default, all of them nightly.

Every property test names its full count (``max_examples=examples(1000)``); the
default run draws a fifth of it (at least 20) so the suite stays about a minute or
two, and ``HYPOTHESIS_PROFILE=nightly python -m pytest`` draws the full count
(tests/conftest.py registers the same profile for tests that name no count).
"""

from __future__ import annotations

import os

NIGHTLY = os.environ.get("HYPOTHESIS_PROFILE") == "nightly"


def examples(full: int) -> int:
    return full if NIGHTLY else max(20, full // 5)
