"""The small expression language of formulas and rules.

    ratio(nv_hoan_thanh, nv_de_ra)
    tthc_tong == sum(tthc_tinh, tthc_huyen, tthc_xa)
    hs_dung_han <= hs_giai_quyet and not (khao_sat == 0)

Parsed once into a tree by a recursive-descent parser and evaluated by walking
that tree; nothing is ever handed to Python's ``eval``. Length and nesting are
bounded so a hostile spec cannot make the parser work for long.

Evaluation semantics (why they matter to officers):

* a blank operand is *missing*, never silently zero: evaluation stops with
  ``Missing`` and the caller decides (formula not computed, rule skipped);
* an operand the submission's level does not report is *not applicable*:
  ``sum(...)`` drops it, anything else stops with ``NotApplicable``;
* a zero denominator stops with ``ZeroDenominator``; the caller applies the
  indicator's zero-denominator policy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional, Union

from ..text.messages import render

MAX_LENGTH = 2000
MAX_DEPTH = 50  # nesting of parentheses, calls and unary operators
# Height of the tree over every node: a chain "1+1+…" is as deep as its terms,
# and typing and evaluation walk it recursively. 200 keeps them far from Python's
# recursion limit; long sums are written sum(a, b, …), which is flat.
MAX_TREE_DEPTH = 200
MAX_CONSTANT = 10**15  # as values.MAX_ABS: no statistic is bigger
MAX_RESULT = 10**18  # a computed value beyond this is reported, never written out

Number = Union[int, float]
Value = Union[int, float, bool]


class ExprError(ValueError):
    """A formula or rule that cannot be parsed or typed.

    ``code`` is a catalogue key (messages.py, ``expr-…``) rendered with ``values``
    in the user's language; ``position`` is the 0-based offset in the source.
    """

    def __init__(self, code: str, position: Optional[int] = None, **values: object):
        self.code = code
        self.position = position
        message = render(code, values)
        if position is not None:
            message = render("expr-at-position", {"message": message, "position": str(position + 1)})
        super().__init__(message)


class Missing(Exception):
    """An operand has no value."""

    def __init__(self, ref: str):
        self.ref = ref
        super().__init__(ref)


class ValueTooLarge(ArithmeticError):
    """A computation overflowed or left every sensible magnitude; nothing is computed."""

    def __init__(self, detail: str = ""):
        super().__init__(detail or "value too large")


class NotApplicable(Exception):
    """An operand is not reported at the submission's level."""

    def __init__(self, ref: str):
        self.ref = ref
        super().__init__(ref)


class ZeroDenominator(Exception):
    """A division or ratio by zero; the numerator is kept for the caller's policy."""

    def __init__(self, numerator: Number):
        self.numerator = numerator
        super().__init__("zero denominator")


# --- tree -------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    value: Number


@dataclass(frozen=True)
class Ref:
    id: str
    pos: int


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: "Node"


@dataclass(frozen=True)
class Binary:
    op: str
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple["Node", ...]
    pos: int


Node = Union[Num, Ref, Unary, Binary, Call]

# name -> (min args, max args or None)
FUNCTIONS: dict[str, tuple[int, Optional[int]]] = {
    "sum": (1, None),
    "min": (1, None),
    "max": (1, None),
    "abs": (1, 1),
    "round": (1, 2),
    "ratio": (2, 2),
    # blank-aware functions: a blank operand is handled here instead of stopping the whole expression
    "present": (1, 1),  # present(x): x has a value (bool)
    "value_or": (2, 2),  # value_or(x, 0): x, or the default when x is blank
    "sum_present": (1, None),  # sum of the operands that have a value; blank only when all are
}
BLANK_AWARE = ("present", "value_or", "sum_present")

# --- tokens -----------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<num>\d+(?:\.\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)"
    r"|(?P<op><=|>=|==|!=|[-+*/<>(),])"
    r")"
)
_KEYWORDS = {"and", "or", "not"}


@dataclass
class _Tok:
    kind: str  # num | name | op | kw | end
    text: str
    pos: int


def _tokenize(src: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    n = len(src)
    while pos < n:
        if src[pos].isspace():
            pos += 1
            continue
        m = _TOKEN.match(src, pos)
        if not m or m.end() == pos:
            raise ExprError("expr-bad-character", pos, char=src[pos])
        kind = m.lastgroup or "op"
        text = m.group(kind)
        start = m.start(kind)
        if kind == "name" and text in _KEYWORDS:
            kind = "kw"
        toks.append(_Tok(kind, text, start))
        pos = m.end()
    toks.append(_Tok("end", "", n))
    return toks


# --- parser -----------------------------------------------------------------
#   or_expr  := and_expr ("or" and_expr)*
#   and_expr := not_expr ("and" not_expr)*
#   not_expr := "not" not_expr | compare
#   compare  := additive (("<"|"<="|">"|">="|"=="|"!=") additive)?
#   additive := term (("+"|"-") term)*
#   term     := unary (("*"|"/") unary)*
#   unary    := "-" unary | atom
#   atom     := number | name | name "(" args ")" | "(" or_expr ")"


class _Parser:
    def __init__(self, src: str):
        self.toks = _tokenize(src)
        self.i = 0
        self.depth = 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> _Tok:
        tok = self.take()
        if tok.text != text:
            raise ExprError("expr-expected", tok.pos, want=text, got=tok.text or _end())
        return tok

    def _enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("expr-nested-too-deep", pos, max=MAX_DEPTH)

    def parse(self) -> Node:
        node = self.or_expr()
        tok = self.peek()
        if tok.kind != "end":
            raise ExprError("expr-extra", tok.pos, text=tok.text)
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.peek().text == "or":
            self.take()
            node = Binary("or", node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.peek().text == "and":
            self.take()
            node = Binary("and", node, self.not_expr())
        return node

    def not_expr(self) -> Node:
        tok = self.peek()
        if tok.text == "not":
            self.take()
            self._enter(tok.pos)
            node = Unary("not", self.not_expr())
            self.depth -= 1
            return node
        return self.compare()

    def compare(self) -> Node:
        node = self.additive()
        if self.peek().text in ("<", "<=", ">", ">=", "==", "!="):
            op = self.take().text
            node = Binary(op, node, self.additive())
            if self.peek().text in ("<", "<=", ">", ">=", "==", "!="):
                raise ExprError("expr-chained-comparison", self.peek().pos)
        return node

    def additive(self) -> Node:
        node = self.term()
        while self.peek().text in ("+", "-"):
            op = self.take().text
            node = Binary(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek().text in ("*", "/"):
            op = self.take().text
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok.text == "-":
            self.take()
            self._enter(tok.pos)
            node = Unary("-", self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            whole = tok.text.split(".")[0].lstrip("0")
            if len(whole) > len(str(MAX_CONSTANT)) or int(whole or 0) > MAX_CONSTANT:
                raise ExprError("expr-constant-too-large", tok.pos, max=f"{MAX_CONSTANT:.0e}")
            return Num(float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "name":
            if self.peek().text == "(":
                return self.call(tok)
            return Ref(tok.text, tok.pos)
        if tok.text == "(":
            self._enter(tok.pos)
            node = self.or_expr()
            self.expect(")")
            self.depth -= 1
            return node
        raise ExprError("expr-unexpected", tok.pos, text=tok.text or _end())

    def call(self, name_tok: _Tok) -> Node:
        name = name_tok.text
        if name not in FUNCTIONS:
            raise ExprError("expr-unknown-function", name_tok.pos, name=name, functions=", ".join(FUNCTIONS))
        self.expect("(")
        self._enter(name_tok.pos)
        args: list[Node] = []
        if self.peek().text != ")":
            args.append(self.or_expr())
            while self.peek().text == ",":
                self.take()
                args.append(self.or_expr())
        self.expect(")")
        self.depth -= 1
        lo, hi = FUNCTIONS[name]
        if len(args) < lo or (hi is not None and len(args) > hi):
            want = str(lo) if lo == hi else f"{lo}–{hi if hi is not None else 'n'}"
            raise ExprError("expr-arity", name_tok.pos, name=name, want=str(want), got=len(args))
        return Call(name, tuple(args), name_tok.pos)


# --- compiled expression ------------------------------------------------------


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def _walk(node: Node) -> Iterator[Node]:
    """Every node, parents before children, left to right; iterative (no depth limit)."""
    stack = [node]
    while stack:
        cur = stack.pop()
        yield cur
        stack.extend(reversed(_children(cur)))


def _height(node: Node) -> int:
    """Height of the tree (a leaf is 1), computed iteratively."""
    best = 0
    stack = [(node, 1)]
    while stack:
        cur, h = stack.pop()
        best = max(best, h)
        stack.extend((child, h + 1) for child in _children(cur))
    return best


@dataclass(frozen=True)
class Expr:
    """A parsed expression: its source, tree and the indicator ids it reads."""

    source: str
    tree: Node
    refs: tuple[str, ...] = field(default=())

    def evaluate(self, lookup: Callable[[str], Value]) -> Value:
        """Evaluate with ``lookup(id)``, which returns a value or raises Missing/NotApplicable.

        Raises ValueTooLarge instead of OverflowError, and for an infinite or
        huge result (whose digits no message or writer could print).
        """
        try:
            value = _eval(self.tree, lookup)
        except OverflowError:
            raise ValueTooLarge(self.source) from None
        if not isinstance(value, bool) and (
            (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_RESULT
        ):
            raise ValueTooLarge(self.source)
        return value

    def kind(self, kind_of: Callable[[str], str]) -> str:
        """Static type: 'num' or 'bool' (raises ExprError on a mismatch)."""
        return _kind(self.tree, kind_of)

    def is_simple_ratio(self) -> bool:
        return isinstance(self.tree, Call) and self.tree.name == "ratio"


def parse(source: str) -> Expr:
    """Parse ``source`` once; raises ExprError (never anything else)."""
    if not isinstance(source, str):
        raise ExprError("expr-not-text")
    if len(source) > MAX_LENGTH:
        raise ExprError("expr-too-long", max=MAX_LENGTH)
    if not source.strip():
        raise ExprError("expr-empty")
    try:
        tree = _Parser(source).parse()
    except RecursionError:  # pragma: no cover - depth is bounded well below the limit
        raise ExprError("expr-too-deep") from None
    height = _height(tree)
    if height > MAX_TREE_DEPTH:
        raise ExprError("expr-chain-too-long", height=height, max=MAX_TREE_DEPTH)
    refs: list[str] = []
    for node in _walk(tree):
        if isinstance(node, Ref) and node.id not in refs:
            refs.append(node.id)
    return Expr(source, tree, tuple(refs))


# --- typing -----------------------------------------------------------------


def _kind(node: Node, kind_of: Callable[[str], str]) -> str:
    """'num', 'bool' or 'choice' (a coded answer: comparable, not arithmetic)."""
    if isinstance(node, Num):
        return "num"
    if isinstance(node, Ref):
        return kind_of(node.id)
    if isinstance(node, Unary):
        inner = _kind(node.operand, kind_of)
        if node.op == "not":
            if inner != "bool":
                raise ExprError("expr-not-needs-condition")
            return "bool"
        if inner != "num":
            raise _arith_error(node.operand)
        return "num"
    if isinstance(node, Binary):
        left, right = _kind(node.left, kind_of), _kind(node.right, kind_of)
        if node.op in ("and", "or"):
            if left != "bool" or right != "bool":
                raise ExprError("expr-logic-needs-conditions", op=node.op)
            return "bool"
        if node.op in ("<", "<=", ">", ">=", "==", "!="):
            if "bool" in (left, right):
                raise ExprError("expr-compare-condition", op=node.op)
            if "choice" in (left, right) and node.op not in ("==", "!="):
                raise ExprError("expr-choice-compare")
            return "bool"
        for side, k in ((node.left, left), (node.right, right)):
            if k != "num":
                raise _arith_error(side)
        return "num"
    # Call
    if node.name == "present":
        if not isinstance(node.args[0], Ref):
            raise ExprError("expr-present-argument")
        kind_of(node.args[0].id)  # must exist; any kind of answer may be present
        return "bool"
    for arg in node.args:
        k = _kind(arg, kind_of)
        if k != "num":
            raise ExprError("expr-function-argument", name=node.name, detail=str(_arith_error(arg)))
    return "num"


def _arith_error(node: Node) -> "ExprError":
    if isinstance(node, Ref):
        return ExprError("expr-ref-not-number", ref=node.id)
    return ExprError("expr-needs-number")


def _end() -> str:
    return render("expr-end", {})


# --- evaluation ---------------------------------------------------------------


def close(a: float, b: float) -> bool:
    """Equality for report figures: sums of integers and computed percents."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _eval(node: Node, lookup: Callable[[str], Value]) -> Value:
    # exact classes (the parser makes no subclasses): cheaper than isinstance on every node of every rule
    cls = node.__class__
    if cls is Ref:
        return lookup(node.id)  # type: ignore[union-attr]
    if cls is Num:
        return node.value  # type: ignore[union-attr]
    if cls is Unary:
        v = _eval(node.operand, lookup)  # type: ignore[union-attr]
        return (not v) if node.op == "not" else -v  # type: ignore[union-attr]
    if cls is Binary:
        op = node.op
        if op == "and":
            return bool(_eval(node.left, lookup)) and bool(_eval(node.right, lookup))
        if op == "or":
            return bool(_eval(node.left, lookup)) or bool(_eval(node.right, lookup))
        a = _eval(node.left, lookup)
        b = _eval(node.right, lookup)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0:
                raise ZeroDenominator(a)
            return a / b
        if op == "==":
            return close(a, b)
        if op == "!=":
            return not close(a, b)
        if op == "<":
            return a < b and not close(a, b)
        if op == "<=":
            return a <= b or close(a, b)
        if op == ">":
            return a > b and not close(a, b)
        if op == ">=":
            return a >= b or close(a, b)
        raise AssertionError(op)  # pragma: no cover - the parser makes no other op
    return _call(node, lookup)


def _call(node: Call, lookup: Callable[[str], Value]) -> Value:
    name = node.name
    if name == "present":
        try:
            _eval(node.args[0], lookup)
            return True
        except (Missing, NotApplicable):
            return False
    if name == "value_or":
        try:
            return _eval(node.args[0], lookup)
        except Missing:
            return _eval(node.args[1], lookup)
    if name == "sum_present":
        total: Value = 0
        seen = False
        for arg in node.args:
            try:
                total += _eval(arg, lookup)
                seen = True
            except (Missing, NotApplicable):
                continue
        if not seen:
            raise Missing(", ".join(_refs_of(node)))
        return total
    if name in ("sum", "min", "max"):
        vals: list[Value] = []
        for arg in node.args:
            try:
                vals.append(_eval(arg, lookup))
            except NotApplicable:
                continue  # not reported at this level: not part of the total
        if not vals:
            raise NotApplicable(", ".join(_refs_of(node)))
        if name == "sum":
            return sum(vals)
        return min(vals) if name == "min" else max(vals)
    args = [_eval(a, lookup) for a in node.args]
    if name == "abs":
        return abs(args[0])
    if name == "round":
        digits = int(args[1]) if len(args) > 1 else 0
        return round(args[0], digits)
    # ratio
    num, den = args
    if den == 0:
        raise ZeroDenominator(num)
    return num / den * 100


def _refs_of(node: Node) -> list[str]:
    return [n.id for n in _walk(node) if isinstance(n, Ref)]
