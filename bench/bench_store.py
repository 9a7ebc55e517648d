"""The store's speed, each figure against a floor measured in the same run, on SQLite
and on PostgreSQL (a server this script starts, or --pg-url):

1. ``submit`` of a file against ``compute`` of it (target ≤ 1.3×): in process (what
   the web server does: ``Store.submit`` against ``Session.compute_bytes``, pairs run
   alternately) and, beside it, the two commands (``cchc submit`` against ``cchc
   compute``), whose difference is mostly importing SQLAlchemy;
2. compiling a period of N stored communes (``cchc aggregate --db … --include-pending``)
   against compiling the same files from a folder with a cold unit cache (``cchc
   aggregate --no-cache``) (target ≤ 0.2× at N = 3,300): the store holds the values,
   no file is read again. Both print the same table; their figures are compared first.

    python bench/bench_store.py [--n 3300] [--pairs 7] [--backends sqlite postgresql] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "examples" / "lam-thao-2023-q3.xlsx"
PERIOD = "2023-Q3"
sys.path.insert(0, str(HERE))

from bench_speed import child_env, communes, load, pairs  # noqa: E402


def start_postgres(root: Path, options: str = "") -> tuple[str, callable]:
    """A throwaway PostgreSQL server (as the 'postgres' user when run as root); its URL and stop()."""
    bindir = next((Path(d) for d in ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin")
                   if (Path(d) / "initdb").exists()), None)
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries not found: apt-get install postgresql (or give --pg-url)")
    user = "postgres" if os.geteuid() == 0 else None
    root.mkdir(parents=True, exist_ok=True)
    if user:
        info = pwd.getpwnam(user)
        os.chown(root, info.pw_uid, info.pw_gid)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def run(*args: str) -> None:
        cmd = [str(bindir / args[0]), *args[1:]]
        subprocess.run(["runuser", "-u", user, "--", *cmd] if user else cmd, check=True, capture_output=True)

    data = root / "data"
    run("initdb", "-D", str(data), "-U", "cchc", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
    # durable settings as a real server has them: the figures include the commit's fsync
    run("pg_ctl", "-D", str(data), "-l", str(root / "log"), "-o", f"-p {port} -c listen_addresses=127.0.0.1 -k {root} {options}",
        "-w", "start")
    return f"postgresql://cchc@127.0.0.1:{port}/postgres", lambda: run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")


def fresh_db(backend: str, work: Path, pg_url: Optional[str], name: str) -> str:
    if backend == "sqlite":
        path = work / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def submit_vs_compute(url: str, n: int) -> tuple[float, float, float]:
    """In process: median ms of compute_bytes, of submit, and the median per-pair ratio."""
    from cchc_engine.session import Session
    from cchc_engine.store import Store

    store = Store.open(url)
    store.import_units([{"code": "LT", "name": "huyện Lâm Thao", "level": "huyen", "parent": ""}])
    session = Session.open("2023", entry_points=False)
    data = EXAMPLE.read_bytes()
    for _ in range(3):  # warm: mappers, plans, the connection's first use
        session.compute_bytes(data, EXAMPLE.name)
        store.submit(session, data, EXAMPLE.name, unit="LT", by="bench")
    tc, ts, ratios = [], [], []
    for _ in range(n):
        t0 = time.perf_counter()
        session.compute_bytes(data, EXAMPLE.name)
        t1 = time.perf_counter()
        store.submit(session, data, EXAMPLE.name, unit="LT", by="bench")
        t2 = time.perf_counter()
        tc.append(t1 - t0), ts.append(t2 - t1), ratios.append((t2 - t1) / (t1 - t0))
    store.close()
    return statistics.median(tc) * 1000, statistics.median(ts) * 1000, statistics.median(ratios)


def load_communes(url: str, folder: Path) -> float:
    """Import a province with every commune directly below it, and submit each file once."""
    from cchc_engine.session import Session
    from cchc_engine.store import Store

    files = sorted(folder.glob("*.xlsx"))
    session = Session.open("2023", entry_points=False)
    store = Store.open(url)
    rows = [{"code": "T", "name": "tỉnh Bench", "level": "tinh", "parent": ""}]
    rows += [{"code": f.stem, "name": "-", "level": "xa", "parent": "T"} for f in files]
    store.import_units(rows)
    names = {}
    t = time.perf_counter()
    for f in files:
        data = f.read_bytes()
        result = session.compute_bytes(data, f.name)  # the unit's name, from its title
        names[f.stem] = result.unit
    store.import_units([{"code": c, "name": n, "level": "xa", "parent": "T"} for c, n in names.items()])
    t = time.perf_counter()
    for f in files:
        store.submit(session, f.read_bytes(), f.name, unit=f.stem, period=PERIOD, by="bench")
    took = time.perf_counter() - t
    store.close()
    return took


def same_figures(env: dict, folder: Path, url: str, work: Path) -> int:
    """Both compilations, JSON, once: the values must be equal. Returns how many compared."""
    a, b = work / "from-files.json", work / "from-store.json"
    subprocess.run(["cchc", "aggregate", "--no-cache", "--spec", "2023", "--level", "tinh", "--units-level", "xa",
                    "--unit", "tỉnh Bench", "--period", PERIOD, str(folder), "-f", "json", "-o", str(a)],
                   env=env, check=False, capture_output=True)
    subprocess.run(["cchc", "aggregate", "--db", url, "--spec", "2023", "--unit", "T", "--period", PERIOD,
                    "--include-pending", "-f", "json", "-o", str(b)], env=env, check=False, capture_output=True)
    fa, fb = json.loads(a.read_text()), json.loads(b.read_text())
    va = {i["id"]: i["value"] for i in fa["indicators"] if i["applicable"] and i["value"] is not None}
    vb = {i["id"]: i["value"] for i in fb["indicators"] if i["applicable"] and i["value"] is not None}
    below = {k: v for k, v in va.items() if k in vb or k not in vb}
    differ = {k: (v, vb.get(k)) for k, v in below.items() if vb.get(k) != v}
    if differ:
        raise SystemExit(f"the store's compilation differs from the files': {list(differ.items())[:5]}")
    assert len(fa["extra"]["aggregate"]["included"]) == len(fb["extra"]["aggregate"]["included"])
    return len(below)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/cchc-bench"))
    ap.add_argument("--n", type=int, default=3300)
    ap.add_argument("--pairs", type=int, default=7)
    ap.add_argument("--submit-pairs", type=int, default=25)
    ap.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    ap.add_argument("--pg-url", default=None)
    ap.add_argument("--pg-options", default="",
                    help="server settings for the PostgreSQL this script starts, e.g. '-c synchronous_commit=off' "
                         "to see what the commit's fsync costs")
    args = ap.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    env = child_env(args.data)
    work = Path(tempfile.mkdtemp(prefix="cchc-bench-store-"))
    stop = None
    pg_url = args.pg_url
    if "postgresql" in args.backends and pg_url is None:
        pg_root = Path(tempfile.mkdtemp(prefix="cchc-bench-pg-"))  # its own folder: the server's user must enter it
        pg_url, stop = start_postgres(pg_root, args.pg_options)
    print(f"load average before: {load()}")
    folder = communes(args.data, args.n, args.n, env)
    try:
        for backend in args.backends:
            print(f"\n== {backend} {args.pg_options if backend == 'postgresql' else ''}==")
            url = fresh_db(backend, work, pg_url, "bench_submit")
            c, s, ratio = submit_vs_compute(url, args.submit_pairs)
            print(f"submit / compute, in process (lam-thao 2023 Q3, {args.submit_pairs} pairs): "
                  f"{ratio:.2f}x ({s:.1f} vs {c:.1f} ms)   target <= 1.3x")
            cli_submit = ["cchc", "submit", "--db", url, "--spec", "2023", "--unit", "LT", str(EXAMPLE), "-f", "json"]
            cli_compute = ["cchc", "compute", "--spec", "2023", str(EXAMPLE), "-f", "json"]
            a, b, r = pairs(cli_submit, cli_compute, env, args.pairs)
            print(f"cchc submit / cchc compute, commands ({args.pairs} pairs): {r:.2f}x ({a * 1000:.0f} vs {b * 1000:.0f} ms)")

            url = fresh_db(backend, work, pg_url, "bench_compile")
            took = load_communes(url, folder)
            print(f"  ({args.n} communes submitted in {took:.0f} s: {took / args.n * 1000:.1f} ms each)")
            compared = same_figures(env, folder, url, work)
            print(f"  (the two compilations agree on {compared} figures)")
            store_cmd = ["cchc", "aggregate", "--db", url, "--spec", "2023", "--unit", "T", "--period", PERIOD,
                         "--include-pending"]
            files_cmd = ["cchc", "aggregate", "--no-cache", "--spec", "2023", "--level", "tinh", "--units-level", "xa",
                         "--unit", "tỉnh Bench", "--period", PERIOD, str(folder)]
            a, b, r = pairs(store_cmd, files_cmd, env, args.pairs)
            print(f"aggregate of {args.n} communes, from the store / from the folder (cold unit cache, "
                  f"{os.cpu_count()} CPUs): {r:.3f}x ({a:.2f} vs {b:.2f} s)   target <= 0.2x")
    finally:
        if stop is not None:
            stop()
            shutil.rmtree(pg_root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nload average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
