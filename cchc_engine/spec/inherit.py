"""Spec inheritance: a spec that ``extends`` another is the parent plus explicit operations.

Works on the loaded YAML data, before validation, so the merged result is checked
like any spec. A child file names its parent (an id such as ``"2021"`` or a path
relative to the child) and gives, besides the fields it overrides (``id``, ``year``,
``title``, ``documents``, ``levels``, ``zero_denominator``; ``choices`` merge by set
name), operations applied in this order:

1. ``remove: [id, ...]``                 indicators (with their children) or forms
2. ``add: [{after|before|parent|form, indicators: [...]}]``
3. ``move: [{id, after|before|parent|form}]``   (may move into a group just added)
4. ``renumber: [{from: "7.6", to: "7.1.6"}]``  STT prefixes in ``stt`` and ``stt_at`` of
   inherited rows (rows added by the child carry their own STT and are left alone)
5. ``replace: [{id, with: {...}}]``      some fields of an indicator or form; null drops a field
6. ``rules: {remove: [ids], replace: [{id, with}], add: [...]}``

Every unknown id is a located Vietnamese error pointing at the operation in the
child file; a cycle of ``extends`` is an error naming the chain.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable, Optional

from ..flow.findings import CchcError, Finding, Location
from .yamlpath import nearest_line, yaml_path

SPEC_SUFFIXES = (".yaml", ".yml")
# The loader's validate_data(data, lines, location)
ValidateFn = Callable[[Any, dict, Location], Any]


def looks_like_path(name: str) -> bool:
    """Whether ``--spec``/``extends:`` text names a file: only when written as one (a path
    separator or a spec suffix); a bare word is an id or a year, whatever the working
    folder holds."""
    return name.lower().endswith(SPEC_SUFFIXES) or "/" in name or "\\" in name or name in (".", "..")

POSITION_KEYS = ("after", "before", "parent", "form")
INHERITED_FIELDS = ("year", "title", "documents", "levels", "zero_denominator", "periods", "explainable_errors", "$schema")
OP_FIELDS = ("remove", "move", "renumber", "replace", "add")

# (data, lines) of a parent file, given its path; loader.read_yaml + read_text.
ReadFn = Callable[[Path], tuple[Any, dict[tuple, int]]]


class _Ops:
    """Applies one child's operations to a deep copy of its parent's data."""

    def __init__(self, data: dict, child: dict, lines: dict[tuple, int], file: str):
        self.data = data
        self.child = child
        self.lines = lines
        self.file = file
        self.errors: list[Finding] = []
        self.added: set[int] = set()  # id() of the dicts the child added (renumber leaves them alone)

    def loc(self, path: tuple) -> Location:
        return Location(file=self.file, path=yaml_path(path, self.child), row=nearest_line(self.lines, path))

    def error(self, code: str, path: tuple, **values: Any) -> None:
        self.errors.append(Finding.make(code, "error", location=self.loc(path), **values))

    # -- finding things in the parent's forms -------------------------------------

    @staticmethod
    def _find(forms: list, ind_id: str) -> Optional[tuple[list, int, dict]]:
        """(the list holding it, its index, its form) for an indicator id, iteratively."""
        for form in forms:
            stack = [form.get("indicators") or []]
            while stack:
                siblings = stack.pop()
                for i, ind in enumerate(siblings):
                    if isinstance(ind, dict):
                        if ind.get("id") == ind_id:
                            return siblings, i, form
                        if ind.get("children"):
                            stack.append(ind["children"])
        return None

    @staticmethod
    def _form(forms: list, form_id: str) -> Optional[dict]:
        return next((f for f in forms if isinstance(f, dict) and f.get("id") == form_id), None)

    def _target_list(self, forms: list, op: dict, path: tuple, what: str) -> Optional[tuple[list, int]]:
        """The list to insert into and the index, from exactly one position key."""
        given = [k for k in POSITION_KEYS if op.get(k) is not None]
        if len(given) != 1:
            self.error("spec-inherit-position", path, op=what, keys=", ".join(POSITION_KEYS))
            return None
        key = given[0]
        ref = str(op[key])
        if key == "form":
            form = self._form(forms, ref)
            if form is None:
                self.error("spec-inherit-unknown-id", path + (key,), op=what, id=ref)
                return None
            form.setdefault("indicators", [])
            return form["indicators"], len(form["indicators"])
        found = self._find(forms, ref)
        if found is None:
            self.error("spec-inherit-unknown-id", path + (key,), op=what, id=ref)
            return None
        siblings, i, _ = found
        if key == "parent":
            parent = siblings[i]
            parent.setdefault("children", [])
            return parent["children"], len(parent["children"])
        return siblings, i + 1 if key == "after" else i

    # -- operations -----------------------------------------------------------------

    def remove(self, ids: list, base: tuple) -> None:
        forms = self.data["forms"]
        for k, ind_id in enumerate(ids):
            ind_id = str(ind_id)
            found = self._find(forms, ind_id)
            if found is not None:
                siblings, i, _ = found
                del siblings[i]
                continue
            form = self._form(forms, ind_id)
            if form is not None:
                forms.remove(form)
                continue
            self.error("spec-inherit-unknown-id", base + (k,), op="remove", id=ind_id)

    def move(self, ops: list, base: tuple) -> None:
        forms = self.data["forms"]
        for k, op in enumerate(ops):
            path = base + (k,)
            ind_id = str(op.get("id"))
            found = self._find(forms, ind_id)
            if found is None:
                self.error("spec-inherit-unknown-id", path + ("id",), op="move", id=ind_id)
                continue
            siblings, i, _ = found
            item = siblings.pop(i)
            # moving under itself would lose it: refuse before inserting
            inside = _Ops._find([{"indicators": item.get("children") or []}], str(op.get("parent") or op.get("after") or op.get("before") or ""))
            if inside is not None or op.get("parent") == ind_id:
                siblings.insert(i, item)
                self.error("spec-inherit-move-into-self", path, id=ind_id)
                continue
            target = self._target_list(forms, op, path, "move")
            if target is None:
                siblings.insert(i, item)
                continue
            lst, at = target
            lst.insert(at, item)

    def renumber(self, ops: list, base: tuple) -> None:
        for k, op in enumerate(ops):
            old, new = str(op.get("from", "")), str(op.get("to", ""))
            hits = 0
            for form in self.data["forms"]:
                for ind in _walk(form.get("indicators") or []):
                    if id(ind) in self.added:
                        continue
                    for holder, key in [(ind, "stt")] + [(ind.get("stt_at") or {}, lv) for lv in (ind.get("stt_at") or {})]:
                        stt = str(holder.get(key) or "")
                        if stt == old or stt.startswith(old + "."):
                            holder[key] = new + stt[len(old):]
                            hits += 1
            if not hits:
                self.error("spec-inherit-unknown-stt", base + (k, "from"), stt=old)

    def replace(self, ops: list, base: tuple) -> None:
        forms = self.data["forms"]
        for k, op in enumerate(ops):
            path = base + (k,)
            ind_id = str(op.get("id"))
            fields = op.get("with") or {}
            found = self._find(forms, ind_id)
            target = found[0][found[1]] if found is not None else self._form(forms, ind_id)
            if target is None:
                self.error("spec-inherit-unknown-id", path + ("id",), op="replace", id=ind_id)
                continue
            _set_fields(target, fields)

    def add(self, ops: list, base: tuple) -> None:
        forms = self.data["forms"]
        for k, op in enumerate(ops):
            path = base + (k,)
            new = op.get("indicators") or []
            for j, ind in enumerate(new):
                for sub in _walk([ind]):
                    if sub.get("id") is not None and self._find(forms, str(sub["id"])) is not None:
                        self.error("spec-inherit-duplicate-id", path + ("indicators", j), id=sub["id"])
            target = self._target_list(forms, op, path, "add")
            if target is None:
                continue
            lst, at = target
            fresh = copy.deepcopy(new)
            self.added.update(id(d) for d in _walk(fresh))
            lst[at:at] = fresh

    def rules(self, patch: dict, base: tuple) -> None:
        rules: list = self.data.setdefault("rules", [])
        by_id = lambda rid: next((r for r in rules if isinstance(r, dict) and r.get("id") == rid), None)  # noqa: E731
        for k, rid in enumerate(patch.get("remove") or []):
            rule = by_id(str(rid))
            if rule is None:
                self.error("spec-inherit-unknown-rule", base + ("remove", k), op="remove", id=rid)
            else:
                rules.remove(rule)
        for k, op in enumerate(patch.get("replace") or []):
            rule = by_id(str(op.get("id")))
            if rule is None:
                self.error("spec-inherit-unknown-rule", base + ("replace", k, "id"), op="replace", id=op.get("id"))
            else:
                _set_fields(rule, op.get("with") or {})
        for k, rule in enumerate(patch.get("add") or []):
            if isinstance(rule, dict) and by_id(rule.get("id")) is not None:
                self.error("spec-inherit-duplicate-rule", base + ("add", k), id=rule.get("id"))
            rules.append(copy.deepcopy(rule))


def _walk(inds: list):
    stack = list(reversed([i for i in inds if isinstance(i, dict)]))
    while stack:
        ind = stack.pop()
        yield ind
        stack.extend(reversed([c for c in (ind.get("children") or []) if isinstance(c, dict)]))


def _set_fields(target: dict, fields: dict) -> None:
    for key, value in fields.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)


def merge(child: dict, parent: dict, lines: dict[tuple, int], file: str) -> dict:
    """The child's spec data: its parent's data with the child's fields and operations applied."""
    out = copy.deepcopy(parent)
    for key in OP_FIELDS:
        out.pop(key, None)
    out.setdefault("forms", [])
    out.setdefault("rules", [])
    for key in INHERITED_FIELDS:
        if key in child:
            out[key] = copy.deepcopy(child[key])
    out["id"] = child.get("id")
    out["extends"] = child.get("extends")
    if isinstance(child.get("choices"), dict):
        out.setdefault("choices", {}).update(copy.deepcopy(child["choices"]))
    if child.get("forms"):
        # an inheriting spec may also bring whole new forms
        out["forms"].extend(copy.deepcopy(child["forms"]))
    ops = _Ops(out, child, lines, file)
    if isinstance(child.get("remove"), list):
        ops.remove(child["remove"], ("remove",))
    if isinstance(child.get("add"), list):
        ops.add(child["add"], ("add",))
    if isinstance(child.get("move"), list):
        ops.move(child["move"], ("move",))
    if isinstance(child.get("renumber"), list):
        ops.renumber(child["renumber"], ("renumber",))
    if isinstance(child.get("replace"), list):
        ops.replace(child["replace"], ("replace",))
    rules = child.get("rules")
    if isinstance(rules, dict):
        ops.rules(rules, ("rules",))
    elif isinstance(rules, list):
        out["rules"] = copy.deepcopy(rules)  # a plain list replaces the parent's rules
    if ops.errors:
        raise CchcError(ops.errors, exit_code=1)
    return out


def check_shape(child: dict, lines: dict[tuple, int], file: str, validate: Optional[ValidateFn] = None) -> None:
    """Validate the child's own fields (operations included) against the model, located
    (``validate`` is the loader's ``validate_data``: given, so this module needs no loader)."""
    if validate is not None:
        validate(child, lines, Location(file=file))


class OutsideRoots(Exception):
    """``extends:`` names a path outside the places a parent may live (never read)."""


def resolve_parent(
    name: str,
    base_dir: Path,
    find_by_id: Callable[[str], Optional[Path]],
    roots: Optional[list[Path]] = None,
) -> Optional[Path]:
    """A parent named by a registered id, or by a path relative to the child file.

    A path must be a .yaml/.yml file inside the child's own directory tree or one
    of ``roots`` (the spec search path and the bundled specs); anything else
    raises ``OutsideRoots`` before a byte of it is read, so a spec cannot make an
    error message quote ``/etc/shadow``.
    """
    if not looks_like_path(name):
        return find_by_id(name)
    allowed = [base_dir.resolve(), *(r.resolve() for r in roots or [])]
    cand = (base_dir / name).resolve()
    if not cand.name.endswith(SPEC_SUFFIXES) or not any(cand.is_relative_to(r) for r in allowed):
        raise OutsideRoots(name)
    return cand if cand.is_file() else None


# Where each piece of a merged spec was written, so a check of the merged result can
# point at the file and line that says it: {"ind": {id: origin}, "rule": {id: origin},
# "field": {(id, field): origin}}, origin = (file, lines, path in that file, that file's data).
Origins = dict[str, dict]


def record_origins(data: Any, lines: dict[tuple, int], file: str, out: Origins) -> None:
    """Note where ``data`` (a base spec or a child's operations) defines indicators, rules and fields."""
    if not isinstance(data, dict):
        return
    inds, rules, fields = out.setdefault("ind", {}), out.setdefault("rule", {}), out.setdefault("field", {})

    def walk(items: Any, base: tuple) -> None:
        stack = [(items, base)]
        while stack:
            cur, at = stack.pop()
            for i, ind in enumerate(cur if isinstance(cur, list) else []):
                if isinstance(ind, dict) and ind.get("id") is not None:
                    inds[str(ind["id"])] = (file, lines, at + (i,), data)
                    stack.append((ind.get("children"), at + (i, "children")))

    for fi, form in enumerate(data.get("forms") or []):
        if isinstance(form, dict):
            walk(form.get("indicators"), ("forms", fi, "indicators"))
    for k, op in enumerate(data.get("add") or []):
        if isinstance(op, dict):
            walk(op.get("indicators"), ("add", k, "indicators"))
    for k, op in enumerate(data.get("replace") or []):
        if isinstance(op, dict) and isinstance(op.get("with"), dict):
            for key in op["with"]:
                fields[(str(op.get("id")), key)] = (file, lines, ("replace", k, "with", key), data)
    rule_data = data.get("rules")
    if isinstance(rule_data, list):
        for ri, rule in enumerate(rule_data):
            if isinstance(rule, dict):
                rules[str(rule.get("id"))] = (file, lines, ("rules", ri), data)
    elif isinstance(rule_data, dict):
        for k, rule in enumerate(rule_data.get("add") or []):
            if isinstance(rule, dict):
                rules[str(rule.get("id"))] = (file, lines, ("rules", "add", k), data)
        for k, op in enumerate(rule_data.get("replace") or []):
            if isinstance(op, dict) and isinstance(op.get("with"), dict):
                for key in op["with"]:
                    fields[("rule:" + str(op.get("id")), key)] = (file, lines, ("rules", "replace", k, "with", key), data)


def load_merged(
    data: Any,
    lines: dict[tuple, int],
    path: Path,
    read: ReadFn,
    find_by_id: Callable[[str], Optional[Path]],
    chain: tuple[Path, ...] = (),
    roots: Optional[list[Path]] = None,
    origins: Optional[Origins] = None,
    validate: Optional[ValidateFn] = None,
) -> Any:
    """Resolve ``extends`` recursively; returns data ready for validation (``validate``
    checks each child's own fields first, located in its file).

    ``origins``, when given, is filled with where each indicator, rule and replaced
    field was written (the base spec first, then each child over it).
    """
    if not isinstance(data, dict) or data.get("extends") is None:
        if origins is not None:
            record_origins(data, lines, str(path), origins)
        return data
    here = path.resolve()
    chain = chain + (here,)
    check_shape(data, lines, str(path), validate)
    name = str(data["extends"])
    loc = Location(file=str(path), path="extends", row=lines.get(("extends",)))
    try:
        parent_path = resolve_parent(name, path.parent, find_by_id, roots)
    except OutsideRoots:
        raise CchcError.make("spec-extends-outside", location=loc, exit_code=1, spec=name) from None
    if parent_path is None:
        raise CchcError.make("spec-extends-not-found", location=loc, exit_code=1, spec=name)
    if parent_path in chain:
        cycle = " → ".join(p.name for p in chain[chain.index(parent_path):] + (parent_path,))
        raise CchcError.make("spec-extends-cycle", location=loc, exit_code=1, cycle=cycle)
    parent_data, parent_lines = read(parent_path)
    parent_data = load_merged(parent_data, parent_lines, parent_path, read, find_by_id, chain, roots, origins, validate)
    if not isinstance(parent_data, dict):
        raise CchcError.make("spec-extends-not-found", location=loc, exit_code=1, spec=name)
    if origins is not None:
        record_origins(data, lines, str(path), origins)
    return merge(data, parent_data, lines, str(path))
