"""Benchmark `cchc aggregate`: files per second, peak memory, reading vs computing.

For each N it generates N commune workbooks (bench/make_communes.py, cached in
``--data``), then compiles them into one district in a fresh child process, so
``ru_maxrss`` (of the child itself and of its worker processes) belongs to that
run alone. "read" is the CPU time the reader spent opening and parsing workbooks,
"compute" the time spent mapping rows, validating and computing (summed over
workers, so the shares are of worker time); "compile" is the parent's
``Compiler.result()`` at the end (units are tallied as they arrive).

    python bench/bench_aggregate.py --n 100 2000 [--jobs 2] [--reader openpyxl|calamine]

``--reader calamine`` measures python-calamine against openpyxl for reading the
same files (if installed; dev only: it gives values, not number formats).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_once(data: Path, jobs: int, use_cache: bool = False) -> dict:
    """In the child: compile every file in ``data`` as `cchc aggregate` does (streamed into
    a Compiler; through the unit-result cache in $CCHC_CACHE_DIR with ``use_cache``);
    report timings and peak memory."""
    from cchc_engine.compile.aggregate import Compiler
    from cchc_engine.compile.collect import expand_paths, read_units
    from cchc_engine.session import Session
    from cchc_engine.compile.unitcache import UnitCache

    session = Session.open("2023", lang="vi")
    compiled = session.spec
    files = expand_paths([data], session.host)
    t0 = time.perf_counter()
    compiler = Compiler(compiled, "huyen", "huyện Thử Nghiệm")
    cache = UnitCache.open(compiled, "vi", host=session.host, options={}) if use_cache else None
    read_s = compute_s = 0.0
    for u in read_units(files, session, jobs, cache=cache):
        read_s += u.read_seconds
        compute_s += u.compute_seconds
        compiler.add(u)
    hits = cache.hits if cache is not None else 0
    if cache is not None:
        cache.close()
    t1 = time.perf_counter()
    result = compiler.result()
    t2 = time.perf_counter()
    info = result.extra["aggregate"]
    me_usage = resource.getrusage(resource.RUSAGE_SELF)
    kids_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    me, kids = me_usage.ru_maxrss, kids_usage.ru_maxrss
    return {
        "files": len(files),
        "cache_hits": hits,
        "included": len(info["included"]),
        "excluded": len(info["excluded"]),
        "invalid": sum(1 for u in info["included"] if u["errors"]),
        "wall": t2 - t0,
        "read": read_s,
        "compute": compute_s,
        "compile": t2 - t1,
        "maxrss_self_mb": me / 1024,
        "maxrss_children_mb": kids / 1024,
        "cpu_self": me_usage.ru_utime + me_usage.ru_stime,
        "cpu_children": kids_usage.ru_utime + kids_usage.ru_stime,
    }


def calamine_vs_openpyxl(data: Path, limit: int = 200) -> dict:
    """Seconds per file to read every cell of the same workbooks with each library."""
    from openpyxl import load_workbook

    files = sorted(data.glob("*.xlsx"))[:limit]
    t0 = time.perf_counter()
    for f in files:
        wb = load_workbook(f, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    c.value, getattr(c, "number_format", None)
        wb.close()
    t1 = time.perf_counter()
    out = {"files": len(files), "openpyxl_ms": (t1 - t0) / len(files) * 1000}
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        out["calamine_ms"] = None
        return out
    t2 = time.perf_counter()
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    t3 = time.perf_counter()
    out["calamine_ms"] = (t3 - t2) / len(files) * 1000
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100, 2000])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--data", type=Path, default=HERE / ".data")
    ap.add_argument("--compare-readers", action="store_true", help="also time python-calamine vs openpyxl")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--cache", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(run_once(args.child, args.jobs, args.cache)))
        return 0
    for n in args.n:
        data = args.data / f"communes-{n}"
        if len(list(data.glob("*.xlsx"))) != n:
            t = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / "make_communes.py"), str(data), "--n", str(n)], check=True)
            print(f"  (generated in {time.perf_counter() - t:.1f} s)")
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(data), "--jobs", str(args.jobs)],
            check=True, capture_output=True, text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        work = r["read"] + r["compute"]
        print(
            f"N={n:5d} jobs={args.jobs}: {r['files'] / r['wall']:.1f} files/s ({r['wall']:.2f} s wall), "
            f"peak RSS parent {r['maxrss_self_mb']:.0f} MB, largest worker {r['maxrss_children_mb']:.0f} MB; "
            f"read {r['read'] / work:.0%} / compute {r['compute'] / work:.0%} of worker CPU "
            f"({r['read'] / r['files'] * 1000:.1f} + {r['compute'] / r['files'] * 1000:.1f} ms/file); "
            f"compile {r['compile'] * 1000:.0f} ms; {r['included']} compiled, {r['invalid']} with errors, {r['excluded']} excluded"
        )
        if args.compare_readers:
            c = calamine_vs_openpyxl(data)
            cal = f"{c['calamine_ms']:.1f} ms" if c["calamine_ms"] is not None else "not installed"
            print(f"  reading {c['files']} files: openpyxl {c['openpyxl_ms']:.1f} ms/file, python-calamine {cal}/file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
