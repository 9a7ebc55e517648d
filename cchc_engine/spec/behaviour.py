"""What spec objects *do*, written once for both of their forms.

``spec/model.py`` (pydantic, validates spec files) and ``spec/runtime.py`` (plain
objects, what the engine runs and the cache stores) hold the same fields; these
mixins give both the same lookups. Nothing here imports pydantic. A class using
``IndicatorBehaviour`` names its Aggregate class in ``aggregate_class``.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional


class IndicatorBehaviour:
    # ``aggregate_class`` (the Aggregate class of the same form) is set on each concrete
    # class; it is not annotated here, so pydantic does not take it for a field.

    @property
    def row_kind(self) -> str:
        """'item', 'breakdown' or 'none' (the default keeps the old 'empty stt = Trong đó' convention)."""
        if self.row is not None:
            return self.row
        if self.note_of:
            return "none"
        return "breakdown" if not self.stt else "item"

    @property
    def printed(self) -> bool:
        return self.row_kind != "none"

    @property
    def shown_unit(self) -> str:
        """The unit results show: what the value means, not what the template happens to print."""
        return self.meant_unit or self.unit

    def stt_for(self, level: Optional[str]) -> str:
        return self.stt_at.get(level, self.stt) if level else self.stt

    def name_for(self, level: Optional[str]) -> str:
        return self.name_at.get(level, self.name) if level else self.name

    def applies_to(self, level: Optional[str]) -> bool:
        return level is None or self.levels is None or level in self.levels

    def walk(self) -> Iterator[Any]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def has_value(self) -> bool:
        return self.type != "group"

    @property
    def aggregate_method(self) -> Any:
        if self.aggregate is not None:
            return self.aggregate
        if self.formula and self.type in ("percent", "number", "count"):
            return self.aggregate_class(method="formula")
        if self.type in ("count", "number"):
            return self.aggregate_class(method="sum")
        if self.type == "choice":
            return self.aggregate_class(method="min")
        return self.aggregate_class(method="none")


class FormBehaviour:
    def walk(self) -> Iterator[Any]:
        for ind in self.indicators:
            yield from ind.walk()


class SpecBehaviour:
    """Lookups computed once (specs are immutable after loading); ``_index``/``_form_of`` start as None."""

    @property
    def rule_list(self) -> list[Any]:
        return self.rules if isinstance(self.rules, list) else []

    def indicators(self) -> Iterator[tuple[Any, Any]]:
        for form in self.forms:
            for ind in form.walk():
                yield form, ind

    def index(self) -> dict[str, Any]:
        if self._index is None:
            self._index = {ind.id: ind for _, ind in self.indicators()}
        return self._index

    def form_of(self) -> dict[str, Any]:
        if self._form_of is None:
            self._form_of = {ind.id: form for form, ind in self.indicators()}
        return self._form_of

    def level_ids(self) -> list[str]:
        return [lv.id for lv in self.levels]

    def level(self, key: str) -> Optional[Any]:
        from ..text.textnorm import name_key

        k = name_key(key)
        for lv in self.levels:
            if k in {name_key(lv.id), name_key(lv.name), *(name_key(a) for a in lv.aliases)}:
                return lv
        return None

    def indicator_count(self) -> int:
        return sum(1 for _, ind in self.indicators() if ind.has_value)
