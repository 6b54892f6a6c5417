"""The XPath subset XLSForm authors write in relevant, constraint, calculation, choice_filter.

``parse(text, where)`` turns an expression into a JSON-serialisable AST (nested lists):

    ["ref", name]         ${name}, or an XPath path (../x, ./x, /data/g/x, current()/../x)
                          resolved by the caller to the question's key
    ["cur"]               .  (the value of the question being checked)
    ["col", name]         a bare name: a column of the choices sheet (choice_filter only)
    ["lit", value]        a string or a number
    ["neg", node]         unary minus
    [op, left, right]     op in or and = != < <= > >= + - * div mod
    ["fn", name, *args]   a function call

``evaluate(node, answers, current)`` follows XForms semantics: an unanswered question is "",
select_multiple answers are lists (seen as space-joined strings), values that both look
numeric compare as numbers, "YYYY-MM-DD" dates count as days since 1970-01-01 in
arithmetic and ordering (as ODK does). static/logic.js implements the same evaluator.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import date
from typing import Any

from .errors import FormError
from .functions import FUNCTIONS as MORE_FUNCTIONS
from .values import NUMERIC_RE, Nodes, to_bool, to_number, to_string

Node = list
BINARY_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
WORD_OPERATORS = frozenset({"and", "or", "div", "mod"})
UNARY_PRECEDENCE = 7
# Function name -> (fewest, most) arguments; None means any number.
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "not": (1, 1),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "concat": (0, None),
    "if": (3, 3),
    "coalesce": (2, 2),
    "number": (1, 1),
    "int": (1, 1),
    "string": (1, 1),
    "today": (0, 0),
    "regex": (2, 2),
    "contains": (2, 2),
    "starts-with": (2, 2),
    "ends-with": (2, 2),
    "true": (0, 0),
    "false": (0, 0),
    "boolean": (1, 1),
}
FUNCTIONS.update({name: (fewest, most) for name, (fewest, most, _) in MORE_FUNCTIONS.items()})
# jr:choice-name(value, '${question}'): the assembler puts the question's labels in the
# second argument; version(): the assembler puts the form's version in its place.
FUNCTIONS.update({"jr:choice-name": (2, 2), "version": (0, 0), "pulldata": (2, 4)})
# Functions over repeats (scope.py): position(..) the instance's number, indexed-repeat(
# ${q}, ${repeat}, n [, ${inner}, m]) q in a chosen instance, and node-set aggregates.
FUNCTIONS.update({"position": (0, 1), "indexed-repeat": (3, 7), "sum": (1, 1),
                  "count": (1, 1), "count-non-empty": (1, 1)})
REFUSED_FUNCTIONS = {
    "instance": "instance() lookups in external or secondary data are not supported",
}
QUOTES = {"'": "'‘’", "‘": "'‘’", "’": "'‘’", '"': '"“”', "“": '"“”', "”": '"“”'}
NAME_RE = re.compile(r"[^\W\d][\w.:-]*")
REF_RE = re.compile(r"\$\{\s*([^\W\d][\w.-]*)\s*\}")
NUMBER_RE = re.compile(r"\d+(\.\d*)?|\.\d+", re.ASCII)
# An XPath location path: absolute (/data/g/x), relative (../x, ./x, ..) or from the
# question a choice filter belongs to (current()/../x). Resolved by the caller's ``paths``.
_STEP = r"(?:\.\.|\.|[^\W\d][\w.:-]*)"
PATH_RE = re.compile(
    rf"(?:current\(\s*\))?/{_STEP}(?:/{_STEP})*|\.\.?/{_STEP}(?:/{_STEP})*|\.\.(?!\d)"
)
PathResolver = Callable[[str], str]
# A look-up in a choice list or a CSV attachment, the one shape of instance() supported.
INSTANCE_LOOKUP_RE = re.compile(
    r"instance\(\s*['\"‘’]([^'\"‘’]+)['\"‘’]\s*\)/root/item\[\s*([\w:.-]+)\s*=\s*"
    r"([^\]]+?)\s*\]/([\w:.-]+)"
)
LIST_MARK = "@"
SYMBOLS = ("!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "(", ")", ",")


# --------------------------------------------------------------------------- parsing


def _syntax(text: str, where: str, problem: str) -> FormError:
    return FormError(f'cannot read the expression "{text}": {problem}', column=where)


def _tokens(text: str, where: str) -> Iterator[tuple[str, Any]]:
    """Yield (kind, value) tokens; kinds: ref num str name cur op end."""
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
            continue
        if text.startswith("${", pos):
            match = REF_RE.match(text, pos)
            if not match:
                raise _syntax(text, where, "a ${...} reference is not closed or not a name")
            yield "ref", match.group(1)
            pos = match.end()
        elif char in QUOTES:
            end = next((i for i in range(pos + 1, len(text)) if text[i] in QUOTES[char]), -1)
            if end < 0:
                raise _syntax(text, where, "a quoted text is not closed")
            yield "str", text[pos + 1 : end]
            pos = end + 1
        elif match := NUMBER_RE.match(text, pos):
            number = float(match.group())
            yield "num", int(number) if number.is_integer() else number
            pos = match.end()
        elif match := PATH_RE.match(text, pos):
            yield "path", match.group()
            pos = match.end()
        elif char in "[]@|#":
            raise _syntax(
                text, where, f"paths like '{text[pos : pos + 3]}' are not supported; use ${{name}}"
            )
        elif char == ".":
            yield "cur", "."
            pos += 1
        elif match := NAME_RE.match(text, pos):
            yield "name", match.group()
            pos = match.end()
        else:
            symbol = next((s for s in SYMBOLS if text.startswith(s, pos)), None)
            if symbol is None:
                raise _syntax(text, where, f"unexpected character '{char}'")
            yield "op", symbol
            pos += len(symbol)
    yield "end", None


class _Parser:
    def __init__(
        self,
        text: str,
        where: str,
        names: Collection[str] | None,
        columns: Collection[str] | None,
        paths: PathResolver | None = None,
    ) -> None:
        self.text, self.where = text, where
        self.names, self.columns, self.paths = names, columns, paths
        self.tokens = list(_tokens(text, where))
        self.pos = 0

    def error(self, problem: str) -> FormError:
        return _syntax(self.text, self.where, problem)

    def peek(self) -> tuple[str, Any]:
        return self.tokens[self.pos]

    def take(self) -> tuple[str, Any]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, symbol: str) -> None:
        kind, value = self.take()
        if (kind, value) != ("op", symbol):
            raise self.error(f"expected '{symbol}' but found {_describe(kind, value)}")

    def binary_operator(self) -> str | None:
        kind, value = self.peek()
        if kind == "op" and value in BINARY_PRECEDENCE:
            return value
        if kind == "name" and value in WORD_OPERATORS:
            return value
        return None

    def expression(self, min_precedence: int = 1) -> Node:
        left = self.unary()
        while (op := self.binary_operator()) and BINARY_PRECEDENCE[op] >= min_precedence:
            self.take()
            right = self.expression(BINARY_PRECEDENCE[op] + 1)
            left = [op, left, right]
        return left

    def unary(self) -> Node:
        if self.peek() == ("op", "-"):
            self.take()
            return ["neg", self.unary()]
        return self.primary()

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "ref":
            if self.names is not None and value not in self.names:
                raise FormError(
                    f"${{{value}}} refers to a question that does not exist in this form",
                    column=self.where,
                )
            return ["ref", value]
        if kind in ("num", "str"):
            return ["lit", value]
        if kind == "path":
            if self.paths is None:
                raise self.error(f"paths like '{value}' are not supported here; use ${{name}}")
            return ["ref", self.paths(value)]
        if kind == "cur":
            return ["cur"]
        if (kind, value) == ("op", "("):
            node = self.expression()
            self.expect(")")
            return node
        if kind == "name":
            if self.peek() == ("op", "("):
                return self.call(value)
            return self.column(value)
        raise self.error(f"unexpected {_describe(kind, value)}")

    def column(self, name: str) -> Node:
        if self.columns is None:
            raise self.error(f"unexpected word '{name}' (refer to questions as ${{name}})")
        if name not in self.columns:
            raise FormError(
                f"'{name}' is not a column of the choices sheet for this list",
                column=self.where,
            )
        return ["col", name]

    def call(self, name: str) -> Node:
        if name in REFUSED_FUNCTIONS:
            raise FormError(REFUSED_FUNCTIONS[name], column=self.where)
        if name not in FUNCTIONS:
            raise FormError(f"the function {name}() is not supported", column=self.where)
        self.expect("(")
        args: list[Node] = []
        if self.peek() != ("op", ")"):
            args.append(self.expression())
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.expression())
        self.expect(")")
        fewest, most = FUNCTIONS[name]
        if len(args) < fewest or (most is not None and len(args) > most):
            raise self.error(f"{name}() cannot take {len(args)} argument(s)")
        if name == "regex" and args[1][0] == "lit":
            _check_regex(str(args[1][1]), self.where)
        if name == "indexed-repeat" and (len(args) % 2 == 0 or any(
                arg[0] != "ref" for arg in args[:1] + args[1::2])):
            raise self.error("indexed-repeat() takes a question, then pairs of a repeat and "
                             "an instance number")
        return ["fn", name, *args]


def _describe(kind: str, value: Any) -> str:
    return "the end of the expression" if kind == "end" else f"'{value}'"


def python_regex(pattern: str) -> str:
    """A JavaScript/Java regular expression as Python's re reads it (named groups)."""
    return re.sub(r"\(\?<(?=[^=!])", "(?P<", pattern)


def _check_regex(pattern: str, where: str) -> None:
    try:
        re.compile(python_regex(pattern))
    except re.error as err:
        message = f"the regular expression '{pattern}' is invalid: {err}"
        raise FormError(message, column=where) from None


def parse(
    text: str,
    where: str,
    names: Collection[str] | None = None,
    columns: Collection[str] | None = None,
    paths: PathResolver | None = None,
) -> Node:
    """Parse ``text`` (from column ``where``) into an AST, or raise FormError.

    ``names``: the question names ${...} may refer to (None: do not check).
    ``columns``: choice-sheet columns a bare name may refer to (choice_filter only).
    ``paths``: turns an XPath path (``../x``, ``/data/g/x``) into the question it leads
    to (raising FormError when it leads nowhere); None: paths are refused.
    """
    text = INSTANCE_LOOKUP_RE.sub(_as_pulldata, str(text))
    for name, reason in REFUSED_FUNCTIONS.items():
        if re.search(rf"(?<![\w:-]){re.escape(name)}\s*\(", text):
            raise FormError(reason, column=where)
    parser = _Parser(text.strip(), where, names, columns, paths)
    if parser.peek()[0] == "end":
        raise parser.error("it is empty")
    node = parser.expression()
    kind, value = parser.peek()
    if kind != "end":
        raise parser.error(f"unexpected {_describe(kind, value)}")
    return node


def _as_pulldata(match: re.Match) -> str:
    """instance('list')/root/item[key = value]/field as pulldata('@list', 'field', 'key',
    value): the assembler fills in the list's table ("@": a choice list, not a file)."""
    list_name, key, value, field = match.groups()
    return f"pulldata('{LIST_MARK}{list_name}', '{field}', '{key}', {value})"


def references(node: Node) -> set[str]:
    """The question names an AST refers to with ${...}."""
    if not isinstance(node, list) or not node:
        return set()
    if node[0] == "ref":
        return {node[1]}
    if node[0] == "lit":
        return set()
    found: set[str] = set()
    for child in node[1:]:
        found |= references(child)
    return found


# --------------------------------------------------------------------------- values


def _looks_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return bool(NUMERIC_RE.match(to_string(value)))


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return to_bool(left) == to_bool(right)
    if _looks_numeric(left) and _looks_numeric(right):
        return to_number(left) == to_number(right)
    return to_string(left) == to_string(right)


def _order(op: str, left: Any, right: Any) -> bool:
    a, b = to_number(left), to_number(right)
    if math.isnan(a) or math.isnan(b):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _arithmetic(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "div":
        if b == 0:
            return (
                math.nan
                if a == 0 or math.isnan(a)
                else math.copysign(math.inf, a) * (math.copysign(1, b))
            )
        return a / b
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)


# --------------------------------------------------------------------------- evaluation


class _Context:
    def __init__(self, answers: Mapping[str, Any], current: Any, row: Mapping | None):
        self.answers, self.current, self.row = answers, current, row or {}


def evaluate(
    node: Node,
    answers: Mapping[str, Any],
    current: Any = None,
    row: Mapping[str, Any] | None = None,
) -> Any:
    """Evaluate an AST. ``row`` gives the choice columns a choice_filter refers to."""
    return _eval(node, _Context(answers, current, row))


def _eval(node: Node, ctx: _Context) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "ref":
        value = ctx.answers.get(node[1])
        return "" if value is None else value
    if kind == "cur":
        return "" if ctx.current is None else ctx.current
    if kind == "col":
        return to_string(ctx.row.get(node[1], ""))
    if kind == "neg":
        return -to_number(_eval(node[1], ctx))
    if kind == "fn":
        return _call(node[1], node[2:], ctx)
    if kind == "or":
        return to_bool(_eval(node[1], ctx)) or to_bool(_eval(node[2], ctx))
    if kind == "and":
        return to_bool(_eval(node[1], ctx)) and to_bool(_eval(node[2], ctx))
    left, right = _eval(node[1], ctx), _eval(node[2], ctx)
    if kind == "=":
        return _equal(left, right)
    if kind == "!=":
        return not _equal(left, right)
    if kind in ("<", "<=", ">", ">="):
        return _order(kind, left, right)
    return _arithmetic(kind, to_number(left), to_number(right))


def _int(value: Any) -> float:
    number = to_number(value)
    return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


def _regex(text: str, pattern: str) -> bool:
    try:
        return re.search(python_regex(pattern), text) is not None
    except re.error:
        return False


_SIMPLE: dict[str, Callable[..., Any]] = {
    "selected": lambda items, value: to_string(value).strip() in to_string(items).split(),
    "not": lambda value: not to_bool(value),
    "count-selected": lambda items: float(len(to_string(items).split())),
    "string-length": lambda value: float(len(to_string(value))),
    "concat": lambda *values: "".join(to_string(v) for v in values),
    "coalesce": lambda a, b: a if to_string(a) != "" else b,
    "number": to_number,
    "int": _int,
    "string": to_string,
    "today": lambda: date.today().isoformat(),
    "regex": lambda text, pattern: _regex(to_string(text), to_string(pattern)),
    "contains": lambda a, b: to_string(b) in to_string(a),
    "starts-with": lambda a, b: to_string(a).startswith(to_string(b)),
    "ends-with": lambda a, b: to_string(a).endswith(to_string(b)),
    "true": lambda: True,
    "false": lambda: False,
    "boolean": to_bool,
    "jr:choice-name": lambda value, labels: (
        labels.get(to_string(value), to_string(value)) if isinstance(labels, dict)
        else to_string(value)
    ),
    "version": lambda: "",  # the assembler puts the form's version in its place
    # pulldata(table, key): the assembler puts the attached file's key -> value table first
    "pulldata": lambda table, *rest: (
        table.get(to_string(rest[-1]), "") if isinstance(table, dict) and rest else ""
    ),
    **{name: function for name, (_, _, function) in MORE_FUNCTIONS.items()},
}


def _call(name: str, args: list[Node], ctx: _Context) -> Any:
    if name == "if":
        chosen = args[1] if to_bool(_eval(args[0], ctx)) else args[2]
        return _eval(chosen, ctx)
    if name in _IN_REPEATS:
        return _IN_REPEATS[name](args, ctx)
    values = (_eval(arg, ctx) for arg in args)
    if name in _OVER_NODES:
        values = (item for value in values
                  for item in (value if isinstance(value, Nodes) else (value,)))
    return _SIMPLE[name](*values)


def _position(args: list[Node], ctx: _Context) -> float:
    """position(..): the instance's number (scope.Scope; 1 outside a repeat)."""
    where = getattr(ctx.answers, "position", None)
    if where is None:
        return 1.0
    return float(where(args[0][1] if args and args[0][0] == "ref" else None))


def _indexed_repeat(args: list[Node], ctx: _Context) -> Any:
    numbers = {repeat[1]: _eval(number, ctx) for repeat, number in zip(
        args[1::2], args[2::2], strict=True)}
    indexed = getattr(ctx.answers, "indexed", None)
    if indexed is None:  # a flat form: the one value
        return _eval(args[0], ctx)
    return indexed(args[0][1], numbers)


def _nodes(value: Any) -> tuple:
    return value if isinstance(value, Nodes) else (value,)


def _sum(args: list[Node], ctx: _Context) -> float:
    return float(sum(to_number(item) for item in _nodes(_eval(args[0], ctx))))


def _count(args: list[Node], ctx: _Context, non_empty: bool = False) -> float:
    value = _eval(args[0], ctx)
    if isinstance(value, Nodes):
        return float(len(value))
    return float(not non_empty or to_string(value) != "")


_IN_REPEATS: dict[str, Callable[[list[Node], _Context], Any]] = {
    "position": _position,
    "indexed-repeat": _indexed_repeat,
    "sum": _sum,
    "count": _count,
    "count-non-empty": lambda args, ctx: _count(args, ctx, non_empty=True),
}
# Functions of any number of values that take every value of a node-set.
_OVER_NODES = frozenset({"max", "min", "join"})
