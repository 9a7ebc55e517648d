"""Benchmarks for the spec and compute issues: prints figures, asserts nothing.

    python bench/bench_compute.py

Figures: loading+compiling each bundled spec and loading it from the compiled-spec
cache (ms; the cache is ``$CCHC_CACHE_DIR`` or the user cache), the engine alone on the
2023 example (ms per run), reading+mapping the example (ms), `cchc compute`
end to end from the shell (wall ms) and `cchc --help` wall time.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"


def timed(fn, n: int) -> float:
    runs = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def shell(args: list[str], n: int = 5) -> float:
    return timed(lambda: subprocess.run(args, capture_output=True, check=False), n)


def main() -> None:
    from cchc_engine.flow.engine import LevelPlan, run
    from cchc_engine.flow.mapping import map_submission
    from cchc_engine.plugins import PluginHost
    from cchc_engine.session import Session
    from cchc_engine.spec.compiler import compile_spec
    from cchc_engine.spec.loader import load_spec_file
    from cchc_engine.spec.registry import compile_file

    def compile_uncached(path: Path):
        spec, lines = load_spec_file(path)
        return compile_spec(spec, source=str(path), lines=lines)

    for year in ("2021", "2023"):
        path = ROOT / "specs" / year / "national.yaml"
        ms = timed(lambda: compile_uncached(path), 20)
        print(f"spec {year}: load + check + compile  {ms:7.1f} ms (median of 20)")
        compile_file(path)
        ms = timed(lambda: compile_file(path), 20)
        print(f"spec {year}: from the cache          {ms:7.2f} ms (median of 20)")
    compiled, _ = compile_file(ROOT / "specs" / "2023" / "national.yaml")
    session = Session(spec=compiled, host=PluginHost.builtins_only())

    def read_and_map():
        raw, level = session.read(EXAMPLE)
        return map_submission(raw, compiled, level)

    sub = read_and_map()
    plan = LevelPlan(compiled, sub.level)
    print(f"read + map example                   {timed(read_and_map, 20):7.1f} ms")
    print(f"engine alone (validate + compute)    {timed(lambda: run(compiled, sub, plan=plan), 200):7.2f} ms")
    cchc = [sys.executable, "-m", "cchc_engine"]
    print(f"cchc --help (wall)                    {shell(cchc + ['--help']):7.0f} ms")
    print(f"cchc compute --spec 2023 example     {shell(cchc + ['compute', '--spec', '2023', str(EXAMPLE), '-f', 'json']):7.0f} ms (wall)")


if __name__ == "__main__":
    main()
