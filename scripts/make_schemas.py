"""Write the JSON Schemas shipped in cchc_engine/schema/ from the models (pydantic, or
plain dataclasses described through pydantic's TypeAdapter).

    python scripts/make_schemas.py          # rewrite the files
    python scripts/make_schemas.py --check  # exit 1 if a file is out of date

``result.schema.json`` is the JSON output contract (docs/json-output.md);
``spec.schema.json`` is what spec files point at with ``$schema``. A test asserts
both equal what the models generate, so they cannot drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "cchc_engine" / "schema"


def _result_schema() -> dict[str, Any]:
    from cchc_engine.flow.result import result_schema

    return result_schema()


def _spec_schema() -> dict[str, Any]:
    from cchc_engine.spec.schema import spec_schema

    return spec_schema()


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "result.schema.json": _result_schema,
    "spec.schema.json": _spec_schema,
}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    check = "--check" in argv
    stale = []
    for name, make in SCHEMAS.items():
        path = SCHEMA_DIR / name
        text = render(make())
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if check:
            stale.append(name)
        else:
            SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python scripts/make_schemas.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
