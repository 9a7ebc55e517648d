"""JSON Schemas shipped with the package (generated from the pydantic models, so they cannot drift)."""

from __future__ import annotations

from typing import Any

from .model import Spec

SCHEMA_ID = "https://cchc-engine.invalid/schema/spec.schema.json"


def spec_schema() -> dict[str, Any]:
    schema = Spec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cchc-engine spec"
    # spec files may write the short form "sum" / "count:1" (see Aggregate._from_string)
    agg = schema["$defs"]["Aggregate"]
    schema["$defs"]["Aggregate"] = {
        "anyOf": [agg, {"type": "string", "pattern": r"^(sum|formula|min|max|none|count:-?\d+)$"}],
        "description": agg.get("description", ""),
    }
    return schema
