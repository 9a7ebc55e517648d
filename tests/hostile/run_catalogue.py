"""Run every catalogue case through the real CLI in a subprocess; print the CI summary.

    python tests/hostile/run_catalogue.py [--timeout 30] [-v]

A crash is a traceback or an internal error in stderr, or an exit code outside
{0, 1, 2} (killed, aborted); a hang is a run past the timeout; a wrong answer is
a run that did not crash but did not give the case's verdict: another exit code
than the case's (a bad input called valid, a good one refused), its expected
message or finding missing, or a fragment it must not print present. Prints
"inputs tried: N, crashes: C, hangs: H, wrong answers: W" and exits non-zero if
any is not 0.
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


def _bounded() -> None:
    """Each run may use 2 GB of address space: a memory bomb fails instead of taking the machine."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
    except (ImportError, ValueError, OSError):
        pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per case")
    ap.add_argument("--family", action="append", help="only these families (issue-7, issue-15); repeatable")
    args = ap.parse_args(argv)
    crashes = hangs = wrong = 0
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cases = [c for c in CASES if not args.family or c.family in args.family]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cchc-hostile-") as tmp:
        for case in cases:
            d = Path(tmp) / case.name
            d.mkdir()
            cmd = [sys.executable, "-m", "cchc_engine", "compute", *case.build(d)]
            # a lone surrogate in an argument travels as the bytes a shell would pass
            cmd = [a.encode("utf-8", "surrogatepass") if any("\ud800" <= ch <= "\udfff" for ch in a) else a for a in cmd]
            start = time.perf_counter()
            try:
                proc = subprocess.run(
                    cmd, capture_output=True, timeout=args.timeout, cwd=d, env=env,
                    preexec_fn=_bounded if os.name == "posix" else None,
                )
            except subprocess.TimeoutExpired:
                hangs += 1
                print(f"HANG   {case.name}: > {args.timeout:.0f} s", flush=True)
                continue
            elapsed = time.perf_counter() - start
            err = proc.stderr.decode("utf-8", "replace")
            out = proc.stdout.decode("utf-8", "replace")
            crash, verdict = [], []
            if proc.returncode not in (0, 1, 2):  # killed, aborted (134), out of memory
                crash.append(f"exit {proc.returncode}")
            elif proc.returncode not in case.exits or proc.returncode not in ((1, 2) if case.bad else (0, 1)):
                # a bad input called valid, or a good one refused: a confident wrong answer
                verdict.append(f"exit {proc.returncode}, expected {case.exits}")
            if "Traceback" in err or "Lỗi nội bộ" in err:
                crash.append("traceback")
            if case.expect not in err and case.expect not in out:
                verdict.append(f"no '{case.expect[:60]!r}'")
            for fragment in case.absent:
                if fragment in err or fragment in out:
                    verdict.append(f"printed {fragment[:40]!r}")
            if crash:
                crashes += 1
                print(f"CRASH  {case.name}: {'; '.join(crash + verdict)}\n{err[-1500:]}", flush=True)
            elif verdict:
                wrong += 1
                print(f"WRONG  {case.name}: {'; '.join(verdict)}\n{err[-800:]}", flush=True)
            elif args.verbose:
                line = next((ln for ln in err.splitlines() if case.expect and case.expect in ln), "")
                shown = line or case.what
                print(f"ok     {case.name:28} exit {proc.returncode}  {elapsed:5.2f} s  {shown[:140]}", flush=True)
    total = time.perf_counter() - started
    print(f"inputs tried: {len(cases)}, crashes: {crashes}, hangs: {hangs}, wrong answers: {wrong} ({total:.0f} s)")
    return 1 if crashes or hangs or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
