"""A compiled spec as JSON, and back: data only, never code.

The compiled-spec cache (``spec/cache.py``) used to pickle; a pickle runs whatever
code its bytes name, so an entry another account wrote into a shared cache could
run as the officer. This codec writes JSON and reads it back through a fixed list
of classes (the runtime spec objects, the compiled expressions, findings): a name
outside that list, or a field a class does not have, is a corrupt entry (a miss),
never an object.

A JSON object is a dict with string keys, or one of three tagged shapes, told
apart by a key no spec can hold (the encoder refuses a dict that has one, and the
entry is then not written): ``{"\\u0001": class name, field: value, …}`` an object,
``{"\\u0002": […]}`` a tuple, ``{"\\u0003": [[key, value], …]}`` a dict whose keys
are not all strings, ``{"\\u0004": "inf"}`` a float JSON cannot write. Lists,
strings, numbers, booleans and null are themselves. ``json.loads`` calls the decoder
once per object, bottom-up, in C.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any, Callable

from ..flow import expr as ex
from ..flow.findings import Finding, Location
from . import runtime as rt


class CodecError(ValueError):
    """Not an encoding this codec wrote: the cache treats the entry as a miss."""


def _classes() -> dict[str, type]:
    out: dict[str, type] = dict(rt.RUNTIME_CLASSES)
    out["Record"] = rt.Record
    for cls in (rt.CompiledSpec, rt.CompiledRule, rt.CompiledTotal, ex.Expr, ex.Num, ex.Ref, ex.Unary, ex.Binary,
                ex.Call, Finding, Location):
        out[cls.__name__] = cls
    return out


_CLASSES = _classes()  # read-only after import: the classes an entry may name
# In declaration order: the same spec encodes to the same bytes in every process (the unit
# cache keys on them; a set's order would change with each run's hash seed).
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES.values() if dataclasses.is_dataclass(cls)
}
_ALLOWED: dict[type, frozenset[str]] = {cls: frozenset(names) for cls, names in _FIELDS.items()}
# Dataclasses whose instances keep their fields in __dict__ and whose __init__ only stores
# them (no __post_init__): built without running it, as a pickle did.
_PLAIN = frozenset(
    cls for cls in _FIELDS if "__slots__" not in cls.__dict__ and not hasattr(cls, "__post_init__")
)


# --- encoding -----------------------------------------------------------------------------


def dumps(obj: Any) -> bytes:
    """``obj`` as JSON bytes; TypeError for anything this codec does not carry."""
    # surrogatepass: a file name that is not UTF-8 (a lone surrogate) travels as it is; json.loads
    # reads bytes back the same way
    return json.dumps(_enc(obj), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8", "surrogatepass")


_OBJ, _TUPLE, _PAIRS, _FLOAT = "\x01", "\x02", "\x03", "\x04"
_TAGS = frozenset((_OBJ, _TUPLE, _PAIRS, _FLOAT))


def _enc(obj: Any) -> Any:
    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {_FLOAT: repr(obj)}  # JSON has no inf/nan
    if isinstance(obj, list):
        return [_enc(v) for v in obj]
    if isinstance(obj, tuple):
        return {_TUPLE: [_enc(v) for v in obj]}
    if isinstance(obj, dict):
        if all(type(k) is str for k in obj):
            if not _TAGS.isdisjoint(obj):
                raise TypeError("a dict key the codec uses as a tag")
            return {k: _enc(v) for k, v in obj.items()}
        return {_PAIRS: [[_enc(k), _enc(v)] for k, v in obj.items()]}
    cls = type(obj)
    if _CLASSES.get(cls.__name__) is not cls:
        raise TypeError(f"{cls.__module__}.{cls.__qualname__} is not carried by the cache")
    out: dict[str, Any] = {_OBJ: cls.__name__}
    if cls in _FIELDS:
        for name in _FIELDS[cls]:
            out[name] = _enc(getattr(obj, name))
    else:  # a Record: its public attributes (private ones are lookups rebuilt on first use)
        for k, v in obj.__dict__.items():
            if not k.startswith("_"):
                out[k] = _enc(v)
    return out


# --- decoding -----------------------------------------------------------------------------


def loads(data: bytes) -> Any:
    """What ``dumps`` wrote; CodecError for anything else (never an object it did not list)."""
    try:
        return json.loads(data, object_hook=_dec, parse_constant=_no_constant)
    except CodecError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:
        raise CodecError(f"{type(exc).__name__}: {exc}") from None


def _no_constant(name: str) -> Any:
    raise CodecError(f"bare {name} in an entry")


def _dec(obj: dict) -> Any:
    if _OBJ in obj:
        return _object(obj)
    if _TAGS.isdisjoint(obj):
        return obj  # a plain dict
    if len(obj) == 1:
        if _TUPLE in obj and isinstance(obj[_TUPLE], list):
            return tuple(obj[_TUPLE])
        if _PAIRS in obj and isinstance(obj[_PAIRS], list):
            try:
                return {k: v for k, v in obj[_PAIRS]}
            except (TypeError, ValueError):  # not pairs, or a list as a key
                raise CodecError("malformed pairs") from None
        if obj.get(_FLOAT) in ("inf", "-inf", "nan"):
            return float(obj[_FLOAT])
    raise CodecError("unknown tag")


def _object(obj: dict) -> Any:
    name = obj.pop(_OBJ)
    cls = _CLASSES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise CodecError(f"class {name!r} is not carried by the cache")
    allowed = _ALLOWED.get(cls)
    if allowed is None:  # a Record: plain attributes, no __init__ run
        out = cls.__new__(cls)
        out.__dict__.update(obj)
        return out
    if cls in _PLAIN and obj.keys() == allowed:  # every field there: no __init__ to run (frozen ones too)
        out = object.__new__(cls)
        out.__dict__.update(obj)
        return out
    if not obj.keys() <= allowed:
        raise CodecError(f"{name} has no field {sorted(obj.keys() - allowed)[0]!r}")
    make: Callable[..., Any] = cls
    try:
        return make(**obj)
    except TypeError as exc:
        raise CodecError(f"{name}: {exc}") from None
