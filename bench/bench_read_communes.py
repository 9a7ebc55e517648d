"""CPU per file of the .xlsx grid source over generated communes: prints figures, asserts nothing.

    python bench/bench_read_communes.py [DIR] [N]

Reads the first N (default 400) workbooks of DIR (default /tmp/cchc-bench/communes-3300,
made by ``bench/bench_speed.py`` or ``bench/make_communes.py``) in one process, three
times, and prints the best ``time.process_time()`` per file for the grid alone and for
grid + layout, with the load average (the machine may be shared). ``--stream`` turns
the scan off, so the streaming expat pass alone is measured in the same conditions.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    stream = "--stream" in argv
    args = [a for a in argv if a != "--stream"]
    folder = Path(args[0]) if args else Path("/tmp/cchc-bench/communes-3300")
    n = int(args[1]) if len(args) > 1 else 400
    files = sorted(folder.glob("*.xlsx"))[:n]
    if not files:
        sys.exit(f"no .xlsx in {folder}: run bench/make_communes.py first")
    from cchc_engine.flow.layout import layout
    from cchc_engine.readers import xlsx

    if stream:
        xlsx._scan_bytes = lambda zf, part: None
    reader = xlsx.XlsxReader()
    for f in files[:20]:  # warm the per-run memos, as a worker is after its first files
        layout(reader.read(f))
    out = []
    for label, fn in (("grid", reader.read), ("grid+layout", lambda p: layout(reader.read(p)))):
        runs = []
        for _ in range(3):
            t = time.process_time()
            for f in files:
                fn(f)
            runs.append((time.process_time() - t) * 1000 / len(files))
        out.append(f"{label} {min(runs):.2f} ms")
    mode = "stream only" if stream else "scan"
    print(f"{mode}: {', '.join(out)} per file (best of 3 over {len(files)}); load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
