"""Red flags: where workers, representatives and management disagree about one construct.

The rules are data (``central/data/redflags.csv``, one rule a row, conditions explained in
``central/data/README.md``); the constructs and the question that measures each one in each
built-in form are data too (``central/data/constructs.csv``). Evidence comes from the
disclosure layer: a count it withheld is ``None``, and a rule that would need a withheld
number does not fire and says nothing. Management's answers are the supplier's stated
position, so its small counts are used as they are.
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from xlsform.model import FormDefinition

DATA = Path(__file__).resolve().parent / "data"
RULES_PATH = DATA / "redflags.csv"
CONSTRUCTS_PATH = DATA / "constructs.csv"

SOURCES = {"worker": "amplify_worker", "representative": "amplify_representative",
           "management": "amplify_management"}
STATED_POSITION = "management"
ROUTES = {"A": "be informed and assess", "B": "improve internal due diligence",
          "C": "engage suppliers", "D": "training", "E": "collective bargaining"}
RULE_COLUMNS = ("id", "construct", "sources", "condition", "wording", "route",
                "route_meaning", "next_step")

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
_CLAUSE = re.compile(r"(?P<source>[a-z_]+)(?:\.(?P<construct>[a-z0-9_]+))?:\s*"
                     r"(?P<answers>[a-z0-9_]+(?:\|[a-z0-9_]+)*)\s*(?P<op>>=|<=|>|<)\s*"
                     r"(?P<amount>\d+(?:\.\d+)?%|\d+|k)")
_ID = re.compile(r"[a-z0-9_]+")


class RuleError(ValueError):
    """A rules or constructs file that cannot be used; the message names file and row."""


@dataclass(frozen=True)
class Distribution:
    """Answers of one source to one construct's question at one supplier.

    ``counts`` by answer name (an answer not listed was given by nobody); ``total`` is how
    many answered; ``None`` anywhere means withheld by disclosure control below ``k``.
    """

    counts: Mapping[str, int | None]
    total: int | None
    k: int


Evidence = Mapping[str, Mapping[str, Distribution]]  # construct -> source -> Distribution


@dataclass(frozen=True)
class Clause:
    source: str
    construct: str
    answers: tuple[str, ...]
    op: str
    share: float | None  # a share of those who answered (0..1) ...
    count: int | str | None  # ... or a number of respondents, or "k" (the threshold)


@dataclass(frozen=True)
class Rule:
    id: str
    construct: str
    sources: tuple[str, ...]
    condition: str
    clauses: tuple[Clause, ...]
    wording: str
    route: str
    route_meaning: str
    next_step: str


@dataclass(frozen=True)
class Flag:
    """A rule that fired, and on how many respondents (None: only "k or more" is known)."""

    rule_id: str
    construct: str
    wording: str
    route: str
    route_meaning: str
    next_step: str
    respondents: int | None
    k: int

    @property
    def respondents_text(self) -> str:
        return str(self.respondents) if self.respondents is not None else f"{self.k} or more"


@dataclass(frozen=True)
class Construct:
    id: str
    label: str
    questions: Mapping[str, str]  # source -> question name


# ---- constructs ------------------------------------------------------------------------

def load_constructs(path: Path = CONSTRUCTS_PATH) -> dict[str, Construct]:
    """Constructs by id, each with the question that measures it in each source's form."""
    constructs: dict[str, Construct] = {}
    for line, row in _csv_rows(path, ("construct", "label", *SOURCES)):
        construct = row["construct"].strip()
        questions = {source: row[source].strip() for source in SOURCES if row[source].strip()}
        if not _ID.fullmatch(construct) or construct in constructs:
            raise RuleError(f"{path}, row {line}: construct {construct!r} is not a new "
                            f"lower-case id")
        if not questions:
            raise RuleError(f"{path}, row {line}: {construct} is asked of no source")
        constructs[construct] = Construct(construct, row["label"].strip(), questions)
    return constructs


def source_of(form: FormDefinition | str) -> str | None:
    form_id = form if isinstance(form, str) else form.form_id
    return next((source for source, known in SOURCES.items() if known == form_id), None)


def construct_questions(form: FormDefinition | str, source: str | None = None,
                        constructs: Mapping[str, Construct] | None = None) -> dict[str, str]:
    """Which question of this form measures each construct: {construct: question name}.

    ``form`` is a built-in form (or its form_id); a copy under another form_id names the
    source it stands for (``source="worker"``). With a FormDefinition, only questions the
    form really has are listed.
    """
    source = source or source_of(form)
    if source not in SOURCES:
        raise ValueError(f"form {form if isinstance(form, str) else form.form_id!r} is not a "
                         f"built-in form; name its source ({', '.join(SOURCES)})")
    constructs = load_constructs() if constructs is None else constructs
    names = {c.id: c.questions[source] for c in constructs.values() if source in c.questions}
    if isinstance(form, FormDefinition):
        names = {cid: name for cid, name in names.items() if name in form.questions}
    return names


# ---- rules -----------------------------------------------------------------------------

def load_rules(path: Path = RULES_PATH,
               constructs: Mapping[str, Construct] | None = None) -> list[Rule]:
    """Read and check the rules file; raise RuleError naming file and row."""
    constructs = load_constructs() if constructs is None else constructs
    rules: list[Rule] = []
    for line, row in _csv_rows(path, RULE_COLUMNS):
        try:
            rule = _rule(row, constructs)
        except ValueError as exc:
            raise RuleError(f"{path}, row {line}: {exc}") from None
        if any(known.id == rule.id for known in rules):
            raise RuleError(f"{path}, row {line}: rule id {rule.id} repeats")
        rules.append(rule)
    return rules


def _rule(row: Mapping[str, str], constructs: Mapping[str, Construct]) -> Rule:
    cell = {name: row[name].strip() for name in RULE_COLUMNS}
    if not _ID.fullmatch(cell["id"]):
        raise ValueError(f"id {cell['id']!r} is not a lower-case id")
    if cell["construct"] not in constructs:
        raise ValueError(f"unknown construct {cell['construct']!r}")
    if cell["route"] not in ROUTES or cell["route_meaning"] != ROUTES[cell["route"]]:
        raise ValueError(f"route {cell['route']!r} ({cell['route_meaning']!r}) is not one of "
                         + "; ".join(f"{key} {meaning}" for key, meaning in ROUTES.items()))
    for name in ("wording", "next_step"):
        if not cell[name]:
            raise ValueError(f"{name} is empty")
    clauses = parse_condition(cell["condition"], cell["construct"], constructs)
    sources = tuple(sorted(source.strip() for source in cell["sources"].split(";")))
    if set(sources) != {clause.source for clause in clauses}:
        raise ValueError(f"sources {';'.join(sources)} are not the sources the condition uses")
    return Rule(cell["id"], cell["construct"], sources, cell["condition"], clauses,
                cell["wording"], cell["route"], cell["route_meaning"], cell["next_step"])


def parse_condition(text: str, construct: str,
                    constructs: Mapping[str, Construct]) -> tuple[Clause, ...]:
    """``source[.construct]: answer|answer OP amount`` joined by `` AND ``."""
    clauses = []
    for part in text.split(" AND "):
        match = _CLAUSE.fullmatch(part.strip())
        if match is None:
            raise ValueError(f"condition part {part.strip()!r} is not "
                             f"'source[.construct]: answer|answer > 50%' (or >= k, >= 3)")
        clauses.append(_clause(match, construct, constructs))
    return tuple(clauses)


def _clause(match: re.Match[str], construct: str,
            constructs: Mapping[str, Construct]) -> Clause:
    source, construct = match["source"], match["construct"] or construct
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r} (one of {', '.join(SOURCES)})")
    if construct not in constructs or source not in constructs[construct].questions:
        raise ValueError(f"no question of the {source} form measures {construct!r}")
    amount = match["amount"]
    share = float(amount[:-1]) / 100 if amount.endswith("%") else None
    if share is not None and share > 1:
        raise ValueError(f"share {amount} is over 100%")
    count = None if share is not None else (amount if amount == "k" else int(amount))
    return Clause(source, construct, tuple(match["answers"].split("|")), match["op"], share,
                  count)


# ---- evaluation ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Outcome:
    holds: bool
    source: str
    basis: int | None  # respondents who answered, None when only "k or more" is known
    k: int


def evaluate(evidence: Evidence, rules: Sequence[Rule]) -> list[Flag]:
    """The flags of the rules that fire on this evidence, in the rules' order."""
    flags = []
    for rule in rules:
        outcomes = [_decide(clause, evidence) for clause in rule.clauses]
        if all(outcome is not None and outcome.holds for outcome in outcomes):
            respondents, k = _respondents(outcomes)
            flags.append(Flag(rule.id, rule.construct, rule.wording, rule.route,
                              rule.route_meaning, rule.next_step, respondents, k))
    return flags


def _shown(number: int | None, source: str, k: int) -> bool:
    """A number a rule may use: not withheld, and (for people, not management's stated
    position) never a count between 1 and k - 1 even if one slipped through."""
    if number is None:
        return False
    return source == STATED_POSITION or number == 0 or number >= k


def _decide(clause: Clause, evidence: Evidence) -> _Outcome | None:
    """Whether the clause holds, or None when it needs a number that is not shown."""
    dist = evidence.get(clause.construct, {}).get(clause.source)
    if dist is None:
        return None
    counts = [dist.counts.get(answer, 0) for answer in clause.answers]
    if not all(_shown(count, clause.source, dist.k) for count in counts):
        return None
    agreeing = sum(counts)
    total = dist.total if _shown(dist.total, clause.source, dist.k) and dist.total else None
    compare = _OPERATORS[clause.op]
    if clause.share is not None:
        if total is None:
            return None
        return _Outcome(compare(agreeing / total, clause.share), clause.source, total, dist.k)
    threshold = dist.k if clause.count == "k" else int(clause.count)
    if total is None and (clause.source == STATED_POSITION or agreeing < dist.k):
        return None  # nothing shown says how many answered
    return _Outcome(compare(agreeing, threshold), clause.source, total, dist.k)


def _respondents(outcomes: Sequence[_Outcome]) -> tuple[int | None, int]:
    """People the flag rests on: those who answered, per source, summed over the workers'
    and representatives' sources; management's count only when no other source is used."""
    people = [o for o in outcomes if o.source != STATED_POSITION] or list(outcomes)
    k = max(outcome.k for outcome in people)
    if any(outcome.basis is None for outcome in people):
        return None, k
    per_source: dict[str, int] = {}
    for outcome in people:
        per_source[outcome.source] = max(per_source.get(outcome.source, 0), outcome.basis)
    return sum(per_source.values()), k


# ---- files -----------------------------------------------------------------------------

def _csv_rows(path: Path, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot read as UTF-8 text ({exc})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [name for name in columns if name not in (reader.fieldnames or [])]
    if missing:
        raise RuleError(f"{path}, row 1: missing column(s) {', '.join(missing)}")
    rows = []
    for line, row in enumerate(reader, start=2):
        if any(value is None for value in row.values()) or None in row:
            raise RuleError(f"{path}, row {line}: not as many cells as the header")
        rows.append((line, row))
    return rows
