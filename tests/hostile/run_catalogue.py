"""Run every catalogue case through the real CLI in a subprocess; print the CI summary.

    python tests/hostile/run_catalogue.py [--timeout 30] [-v]

A crash is an exit code outside {1, 2} for a bad input (outside {0, 1} for a
tolerated one), a traceback in stderr, or a missing expected message; a hang is
a run past the timeout. Prints "inputs tried: N, crashes: C, hangs: H" and exits
non-zero if C or H is not 0.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_catalogue import CASES, REPO  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per case")
    args = ap.parse_args(argv)
    crashes = hangs = 0
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryDirectory(prefix="cchc-hostile-") as tmp:
        for case in CASES:
            d = Path(tmp) / case.name
            d.mkdir()
            cmd = [sys.executable, "-m", "cchc_engine", "compute", *case.build(d)]
            start = time.perf_counter()
            try:
                proc = subprocess.run(cmd, capture_output=True, timeout=args.timeout, cwd=d)
            except subprocess.TimeoutExpired:
                hangs += 1
                print(f"HANG   {case.name}: > {args.timeout:.0f} s", flush=True)
                continue
            elapsed = time.perf_counter() - start
            err = proc.stderr.decode("utf-8", "replace")
            out = proc.stdout.decode("utf-8", "replace")
            allowed = (1, 2) if case.bad else (0, 1)
            problems = []
            if proc.returncode not in allowed or proc.returncode not in case.exits:
                problems.append(f"exit {proc.returncode}, expected {case.exits}")
            if "Traceback" in err:
                problems.append("traceback")
            if case.expect not in err and case.expect not in out:
                problems.append(f"message without '{case.expect}'")
            if problems:
                crashes += 1
                print(f"CRASH  {case.name}: {'; '.join(problems)}\n{err[-1500:]}", flush=True)
            elif args.verbose:
                line = next((ln for ln in err.splitlines() if case.expect in ln), "")
                shown = line[line.find("Không đọc"):] if "Không đọc" in line else (line or case.expect)
                print(f"ok     {case.name:24} exit {proc.returncode}  {elapsed:5.2f} s  {shown[:150]}", flush=True)
    print(f"inputs tried: {len(CASES)}, crashes: {crashes}, hangs: {hangs}")
    return 1 if crashes or hangs else 0


if __name__ == "__main__":
    sys.exit(main())
