"""The figures of issue 12 in one run, each against a floor measured in the same run.

    python bench/bench_speed.py [--data /tmp/cchc-bench] [--n 100 1000 3300] [--jobs 1 2] [--pairs 7]

1. ``cchc compute --spec 2023 examples/lam-thao-2023-q3.xlsx -f json`` wall time
   against ``python -c "import openpyxl; openpyxl.load_workbook(f)"`` on the same
   file: median of ``--pairs`` pairs run back to back (target ≤ 1.0×).
2. ``cchc --help`` (the console script beside this python, with the plugins installed
   here) against ``python -c "import click"`` (target ≤ 1.5×), median of at least 15 pairs.
3. ``cchc aggregate`` (read, map, validate, compute and compile, in a fresh child
   process per run, as the command streams units into ``aggregate.Compiler``) of N
   generated communes for each N and ``--jobs``, with a cold unit-result cache (no
   cache yet: every file is read and the cache is filled — the target figures):
   files per second (target ≥ 300 on 2 cores), peak RSS of the parent and of the
   largest worker, the parent's peak RSS at the largest N over N = 1,000 (target:
   ≤ 1.10), and the CPU time per file of the whole run and of the parent (parent +
   workers: files/s on an idle machine is about cores / CPU per file, whatever the
   load when this ran; target for the parent ≤ 0.3 ms).
4. The same at the largest N with a warm unit-result cache: nothing changed, one
   file touched (same bytes), one file edited (only it is read).

Every run is a child process with bytecode available (as an installed package has
it; ``PYTHONDONTWRITEBYTECODE`` is dropped and ``PYTHONPYCACHEPREFIX`` points into
``--data``) and a warm compiled-spec cache in ``--data``. The communes are generated
once into ``--data`` (outside the checkout); N < max uses the first N files. The
machine's load (``uptime``) is printed before and after: on a shared machine every
figure is relative to the floor measured alongside it, never absolute.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import shutil
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def child_env(data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(data / "pycache")
    env["CCHC_CACHE_DIR"] = str(data / "spec-cache")
    return env


def wall(args: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def pairs(a: list[str], b: list[str], env: dict[str, str], n: int) -> tuple[float, float, float]:
    """Median wall of a, of b, and the median of the per-pair ratios a/b (run alternately)."""
    wall(a, env), wall(b, env)  # warm: bytecode, compiled spec, page cache
    wa, wb, ratios = [], [], []
    for _ in range(n):
        x, y = wall(a, env), wall(b, env)
        wa.append(x), wb.append(y), ratios.append(x / y)
    return statistics.median(wa), statistics.median(wb), statistics.median(ratios)


def communes(data: Path, n_max: int, n: int, env: dict[str, str]) -> Path:
    full = data / f"communes-{n_max}"
    if len(list(full.glob("*.xlsx"))) != n_max:
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, str(HERE / "make_communes.py"), str(full), "--n", str(n_max), "--templates", "200"],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )
        print(f"  (generated {n_max} communes in {time.perf_counter() - t:.0f} s)")
    if n == n_max:
        return full
    sub = data / f"communes-first-{n}"
    if len(list(sub.glob("*.xlsx"))) != n:
        sub.mkdir(parents=True, exist_ok=True)
        for f in sorted(full.glob("*.xlsx"))[:n]:
            link = sub / f.name
            if not link.exists():
                link.symlink_to(f)
    return sub


def edit_one(path: Path, env: dict[str, str]) -> None:
    """Rewrite one commune workbook with other figures (as an officer's correction would)."""
    code = (
        "import random, sys; sys.path.insert(0, sys.argv[1]); import make_communes as mc; "
        "from cchc_engine.spec.registry import resolve; c = resolve('2023'); "
        "v = mc.completed(c, mc.commune_values(c, random.Random(99))); "
        "mc.write_commune(__import__('pathlib').Path(sys.argv[2]), 'Sửa Lại', '2023-Q3', mc.commune_rows(c, v))"
    )
    subprocess.run([sys.executable, "-c", code, str(HERE), str(path)], env=env, check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/cchc-bench"))
    ap.add_argument("--n", type=int, nargs="+", default=[100, 1000, 3300])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--pairs", type=int, default=7)
    args = ap.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    env = child_env(args.data)
    py = sys.executable
    print(f"load average before: {load()}  (2 cores shared: figures are ratios to a same-run floor)")

    c, o, r = pairs([py, "-m", "cchc_engine", "compute", "--spec", "2023", str(EXAMPLE), "-f", "json"],
                    [py, "-c", f"import openpyxl; openpyxl.load_workbook({str(EXAMPLE)!r})"], env, args.pairs)
    print(f"compute / openpyxl load : {r:5.2f}x   (median of {args.pairs} pairs; {c * 1000:.0f} ms vs {o * 1000:.0f} ms)")
    # What an officer types (the console script beside this python), else -m; with the
    # `cchc` plugins this environment has installed, which --help imports too.
    script = Path(py).parent / "cchc"
    help_cmd = [str(script), "--help"] if script.is_file() else [py, "-m", "cchc_engine", "--help"]
    n_help = max(args.pairs, 15)  # ~0.1 s a pair: more pairs for a steadier median
    h, k, r = pairs(help_cmd, [py, "-c", "import click"], env, n_help)
    from cchc_engine.plugins import entrypoints

    installed = ", ".join(sorted(ep.name for ep in entrypoints.entry_points("cchc"))) or "none"
    print(f"--help / import click   : {r:5.2f}x   (median of {n_help} pairs; {h * 1000:.0f} ms vs {k * 1000:.0f} ms;"
          f" `{Path(help_cmd[0]).name} --help`, plugins installed: {installed})")

    # The compiled spec is cached before any aggregate run: a miss would compile it in the
    # parent (pydantic and PyYAML imported: ~12 MB more) and skew the memory figures.
    subprocess.run([py, "-c", "from cchc_engine.spec.registry import resolve; resolve('2023')"], env=env, check=True)
    unit_db = args.data / "spec-cache" / "units.sqlite3"

    def aggregate(data: Path, jobs: int, cache: str) -> dict:
        """cache: "cold" (no cache yet: this run reads every file and fills it), "warm"."""
        if cache == "cold":
            unit_db.unlink(missing_ok=True)
        out = subprocess.run(
            [py, str(HERE / "bench_aggregate.py"), "--child", str(data), "--jobs", str(jobs), "--cache"],
            env=env, check=True, capture_output=True, text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    def show(label: str, res: dict) -> None:
        cpu = (res["cpu_self"] + res["cpu_children"]) / res["files"] * 1000
        print(
            f"{label}: {res['files'] / res['wall']:6.1f} files/s ({res['wall']:6.2f} s), "
            f"peak RSS parent {res['maxrss_self_mb']:5.1f} MB, largest worker {res['maxrss_children_mb']:5.1f} MB; "
            f"CPU {cpu:.1f} ms/file in all, parent {res['cpu_self'] / res['files'] * 1000:.2f} (worker read "
            f"{res['read'] / res['files'] * 1000:.1f} + compute {res['compute'] / res['files'] * 1000:.1f}); "
            f"{res['included']} compiled, {res['excluded']} excluded, {res['cache_hits']} from the cache"
        )

    print("aggregate, cold unit cache (the target figures: every file read, the cache filled):")
    n_max = max(args.n)
    parent: dict[tuple[int, int], float] = {}
    for n in sorted(args.n):
        data = communes(args.data, n_max, n, env)
        for jobs in args.jobs:
            res = aggregate(data, jobs, "cold")
            parent[n, jobs] = res["maxrss_self_mb"]
            show(f"  N={n:5d} --jobs {jobs}", res)
    if 1000 in args.n and n_max > 1000:
        for jobs in args.jobs:
            print(f"  parent peak RSS N={n_max} / N=1000, --jobs {jobs}: {parent[n_max, jobs] / parent[1000, jobs]:.3f} "
                  f"(target ≤ 1.10)")
    jobs = max(args.jobs)
    data = communes(args.data, n_max, n_max, env)
    print(f"aggregate N={n_max} --jobs {jobs}, warm unit cache (a re-run: nothing changed, then one file changed):")
    if args.jobs[-1] != jobs:  # else the last cold run above filled the cache for these files
        aggregate(data, jobs, "cold")
    show("  warm, nothing changed     ", aggregate(data, jobs, "warm"))
    files = sorted(data.glob("*.xlsx"))
    os.utime(files[0])  # the same bytes, a new time: still a hit (the key is the content)
    show("  warm, one file touched    ", aggregate(data, jobs, "warm"))
    with tempfile.TemporaryDirectory(dir=args.data) as tmp:
        # The officer fixes one commune: a folder of the same files (links) but the first, a copy,
        # compiled once (fills the cache for these paths), then the copy rewritten, compiled again.
        folder = Path(tmp)
        for f in files[1:]:
            (folder / f.name).symlink_to(f.resolve())
        shutil.copy(files[0], folder / files[0].name)
        aggregate(folder, jobs, "cold")
        edit_one(folder / files[0].name, env)
        show("  warm, one file edited     ", aggregate(folder, jobs, "warm"))
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
