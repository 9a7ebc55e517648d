"""Benchmark `cchc serve`: N concurrent clients upload the generated communes through the API.

In one run, on the same files: the cold `cchc aggregate` (every file read, `--no-cache`)
files per second as the floor, then a fresh server (`cchc serve --workers W`, a new
SQLite file, loopback only) receiving every file as its commune's new version through
POST /api/submissions from ``--clients`` threads. Prints files/s and its ratio to the
floor (target ≥ 0.7), p50/p95 latency, and the server's memory (resident, all its
processes) after 1,000 files and at the end.

    python bench/bench_server.py [--n 3300] [--clients 8] [--workers 2] [--data /tmp/cchc-bench]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and its children (uvicorn's workers), in kB."""
    total = 0
    pids = [pid]
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(k) for k in kids]
        for k in list(kids):
            pids += [int(x) for x in Path(f"/proc/{k}/task/{k}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def communes(data: Path, n: int) -> list[dict]:
    listing = data / f"communes-{n}.json"
    folder = data / f"communes-{n}"
    if listing.exists() and folder.exists():
        return json.loads(listing.read_text(encoding="utf-8"))
    import make_communes as mc

    if folder.exists():
        shutil.rmtree(folder)
    made = mc.make_communes(folder, n, templates=min(200, n), jobs=os.cpu_count() or 1)
    made = [{"file": str(m["file"]), "unit": m["unit"]} for m in made]
    listing.write_text(json.dumps(made, ensure_ascii=False), encoding="utf-8")
    return made


def cold_aggregate(folder: Path, jobs: int) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "cchc_engine", "aggregate", "--spec", "2023", "--level", "huyen",
                           "--unit", "huyện Thử Nghiệm", "--no-cache", "-j", str(jobs), str(folder), "-f", "json", "-o", os.devnull],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    return time.perf_counter() - t0


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    b = uuid.uuid4().hex
    parts = [f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode() + data + b"\r\n")
    parts.append(f"--{b}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={b}"


def serve_run(made: list[dict], clients: int, workers: int, tmp: Path) -> dict:
    from cchc_engine.server.auth import hash_password, new_token, token_hash
    from cchc_engine.store import Store

    db = "sqlite:///" + str(tmp / "bench.sqlite3")
    store = Store.open(db)
    units = [{"code": "P", "name": "Tỉnh Thử Nghiệm", "level": "tinh", "parent": ""},
             {"code": "D", "name": "huyện Thử Nghiệm", "level": "huyen", "parent": "P"}]
    units += [{"code": f"X{i:05d}", "name": m["unit"], "level": "xa", "parent": "D"} for i, m in enumerate(made)]
    store.import_units(units)
    token = new_token()
    store.create_account("bench", "admin", password_hash=hash_password("bench-password"), token_hash=token_hash(token))
    store.close()
    port = free_port()
    env = dict(os.environ, CCHC_SECRET=os.urandom(32).hex())
    server = subprocess.Popen([sys.executable, "-m", "cchc_engine", "serve", "--db", db, "--host", "127.0.0.1",
                               "--port", str(port), "--workers", str(workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/api/openapi.json")
                c.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
        time.sleep(1.0)  # every worker up
        bodies = [(f"X{i:05d}", Path(m["file"]).read_bytes(), Path(m["file"]).name) for i, m in enumerate(made)]
        latencies: list[float] = [0.0] * len(bodies)
        statuses: dict[int, int] = {}
        mem_at_1000: list[int] = []
        done = [0]
        lock = threading.Lock()
        next_i = [0]
        peak = [0]
        refused: list[str] = []

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            while True:
                with lock:
                    i = next_i[0]
                    next_i[0] += 1
                if i >= len(bodies):
                    break
                code, data, name = bodies[i]
                body, ctype = multipart({"unit": code, "period": "2023-Q3"}, name, data)
                t0 = time.perf_counter()
                conn.request("POST", "/api/submissions", body, {"Content-Type": ctype, "Authorization": f"Bearer {token}"})
                resp = conn.getresponse()
                answer = resp.read()
                latencies[i] = time.perf_counter() - t0
                with lock:
                    statuses[resp.status] = statuses.get(resp.status, 0) + 1
                    if resp.status != 201 and len(refused) < 3:
                        refused.append(f"{name}: {answer[:300].decode('utf-8', 'replace')}")
                    done[0] += 1

        def sampler() -> None:
            while done[0] < len(bodies):
                kb = rss_kb(server.pid)
                peak[0] = max(peak[0], kb)
                if not mem_at_1000 and done[0] >= min(1000, len(bodies)):
                    mem_at_1000.append(peak[0])
                time.sleep(0.2)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        watch = threading.Thread(target=sampler, daemon=True)
        t0 = time.perf_counter()
        watch.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        peak[0] = max(peak[0], rss_kb(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    lat = sorted(latencies)
    return {"files": len(bodies), "wall_s": wall, "files_per_s": len(bodies) / wall, "statuses": statuses,
            "p50_ms": 1000 * statistics.median(lat), "p95_ms": 1000 * lat[int(0.95 * (len(lat) - 1))],
            "refused": refused, "rss_mb_after_1000": (mem_at_1000[0] if mem_at_1000 else peak[0]) / 1024, "rss_mb_peak": peak[0] / 1024}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=3300)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=2, help="cchc aggregate's workers (the floor)")
    ap.add_argument("--data", type=Path, default=Path("/tmp/cchc-bench"))
    args = ap.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    made = communes(args.data, args.n)
    print(f"load average {os.getloadavg()[0]:.2f}; {len(made)} communes in {args.data}", flush=True)
    agg_s = cold_aggregate(args.data / f"communes-{args.n}", args.jobs)
    agg_fps = len(made) / agg_s
    print(f"cold cchc aggregate -j {args.jobs}: {agg_fps:.0f} files/s ({agg_s:.1f} s)", flush=True)
    with tempfile.TemporaryDirectory(prefix="cchc-bench-server-") as tmp:
        got = serve_run(made, args.clients, args.workers, Path(tmp))
    print(f"cchc serve --workers {args.workers}, {args.clients} clients: {got['files_per_s']:.0f} files/s "
          f"({got['wall_s']:.1f} s) = {got['files_per_s'] / agg_fps:.2f}× aggregate (target ≥ 0.7); "
          f"p50 {got['p50_ms']:.0f} ms, p95 {got['p95_ms']:.0f} ms; server RSS {got['rss_mb_after_1000']:.0f} MB "
          f"after 1,000 files, {got['rss_mb_peak']:.0f} MB peak; statuses {got['statuses']}")
    for line in got["refused"]:
        print("  refused:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
