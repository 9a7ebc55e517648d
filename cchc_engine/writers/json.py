"""Built-in writer: the Result as JSON, the machine contract (docs/json-output.md)."""

from __future__ import annotations

from typing import Callable, TextIO

from ..hookspecs import hookimpl
from ..flow.result import Result


class JsonWriter:
    name = "json"
    suffix = ".json"
    binary = False
    description = "Complete JSON for machines (docs/json-output.md)"

    def write(self, result: Result, stream: TextIO, options: dict) -> None:
        from ..text.sanitize import clean_output

        result = clean_output(result)  # called directly too (tests, plugins): never crash on any str
        if (options or {}).get("findings_only"):
            # Same top-level keys, so a consumer need not care which command made it.
            result = result.replace(indicators=[])
        # to_json writes UTF-8 as is: Vietnamese stays readable ("Đơn vị tính").
        stream.write(result.to_json(indent=2) + "\n")


@hookimpl
def register_writers(register: Callable[..., None]) -> None:
    register(JsonWriter())
