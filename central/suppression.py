"""Threshold and complementary suppression of a count table with its totals.

Pure functions over integers; :mod:`central.disclosure` decides what to count and calls
these. The method is the field's usual one (see ``../shared/DISCLOSURE.md``):

1. **Primary**: hide every count with ``0 < n < k``, totals included. A table whose grand
   total is below ``k`` is hidden whole.
2. **Complementary**: a table is published with its row totals, column totals and grand
   total, so each row and each column (totals included) is an equation. A line with one
   hidden cell would give it away by subtraction: hide one more, the smallest non-zero
   visible cell of that line. Where a line's total is shown, the hidden cells' sum is
   public too, so it must itself reach ``k``.
3. **No cell pinned by the rest** (two-way tables): the hidden cells form a graph whose
   nodes are the lines; a hidden cell that is a *bridge* of that graph is fixed by the
   published figures even when every line holds two hidden cells. Each such cell gets a
   rectangle of three more hidden cells, so it lies on a cycle. Along a cycle of non-zero
   hidden cells, +1/−1 in turn keeps every published total, so each hidden cell admits at
   least two values.
4. **Monotone in k**: the result for ``k`` starts from the result for ``k − 1``, so raising
   the threshold never reveals a cell.

Tables here are small (answers × sources, answers × rounds, suppliers × answers); the
routine is deterministic, so every page and export of the same figures hides the same
cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Cell = tuple[int, int]


@dataclass(frozen=True)
class Grid:
    """A count table extended by its totals: ``values[r][c]`` for the inner table,
    column ``c`` the row totals, row ``r`` the column totals, ``[r][c]`` the grand total.
    ``two_way`` False means only row equations are published (a one-way table)."""

    values: tuple[tuple[int, ...], ...]
    two_way: bool

    @property
    def rows(self) -> int:
        return len(self.values) - 1

    @property
    def columns(self) -> int:
        return len(self.values[0]) - 1

    def lines(self) -> list[list[Cell]]:
        """Every published equation, as the cells it ties together."""
        height = self.rows + 1 if self.two_way else self.rows
        lines = [[(i, j) for j in range(self.columns + 1)] for i in range(height)]
        if self.two_way:
            lines += [[(i, j) for i in range(self.rows + 1)] for j in range(self.columns + 1)]
        return lines

    def total_of(self, line: list[Cell]) -> Cell:
        return line[-1]


def extend(counts: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """The inner table with a total column, a total row and the grand total."""
    rows = [tuple(row) + (sum(row),) for row in counts]
    width = len(rows[0]) if rows else 1
    totals = tuple(sum(row[j] for row in rows) for j in range(width))
    return tuple(rows) + (totals,)


def suppress(counts: Sequence[Sequence[int]], k: int, *, two_way: bool = True,
             also_hide: Sequence[Cell] = ()) -> set[Cell]:
    """The cells to hide, over the extended grid (see :class:`Grid`).

    ``also_hide`` adds cells that must be hidden for other reasons (a sensitive answer
    every member of a group gave); they are treated like primary cells.
    """
    if not counts or not counts[0] or any(v < 0 for row in counts for v in row):
        raise ValueError("a count table needs at least one cell and no negative counts")
    grid = Grid(extend(counts), two_way)
    hidden: set[Cell] = set()
    for threshold in range(1, max(k, 1) + 1):
        hidden |= _primary(grid, threshold) | set(also_hide)
        if _all_hidden(grid, threshold):
            return _every_cell(grid)
        hidden = _close(grid, hidden, threshold)
    return hidden


def _every_cell(grid: Grid) -> set[Cell]:
    return {(i, j) for i in range(grid.rows + 1) for j in range(grid.columns + 1)}


def _all_hidden(grid: Grid, k: int) -> bool:
    total = grid.values[grid.rows][grid.columns]
    return 0 < total < k


def _primary(grid: Grid, k: int) -> set[Cell]:
    return {(i, j) for i, row in enumerate(grid.values) for j, value in enumerate(row)
            if 0 < value < k}


def _close(grid: Grid, hidden: set[Cell], k: int) -> set[Cell]:
    """Add complementary cells until no rule asks for more (the set only grows)."""
    hidden = set(hidden)
    while True:
        added = _line_rules(grid, hidden, k)
        if not added and grid.two_way:
            added = _bridge_rule(grid, hidden)
        if not added:
            return hidden
        hidden |= added


def _line_rules(grid: Grid, hidden: set[Cell], k: int) -> set[Cell]:
    for line in grid.lines():
        hidden_here = [cell for cell in line if cell in hidden]
        if not hidden_here:
            continue
        total_cell = grid.total_of(line)
        hidden_sum = sum(_value(grid, c) for c in hidden_here if c != total_cell)
        one_alone = len(hidden_here) == 1
        small_sum = total_cell not in hidden and 0 < hidden_sum < k
        if one_alone or small_sum:
            choice = _cheapest(grid, [c for c in line if c not in hidden])
            if choice is not None:
                return {choice}
    return set()


def _value(grid: Grid, cell: Cell) -> int:
    return grid.values[cell[0]][cell[1]]


def _cost(grid: Grid, cell: Cell) -> tuple[int, int, int, int, Cell]:
    """Prefer non-zero cells, smallest first, inner before totals; the grand total last."""
    value = _value(grid, cell)
    is_total = cell[0] == grid.rows or cell[1] == grid.columns
    is_grand = cell == (grid.rows, grid.columns)
    return (int(is_grand), int(value == 0), value, int(is_total), cell)


def _cheapest(grid: Grid, candidates: list[Cell]) -> Cell | None:
    return min(candidates, key=lambda c: _cost(grid, c)) if candidates else None


def _bridge_rule(grid: Grid, hidden: set[Cell]) -> set[Cell]:
    for cell in sorted(_bridges(grid, hidden)):
        rectangle = _cheapest_rectangle(grid, hidden, cell)
        if rectangle:
            return rectangle
    return set()


def _bridges(grid: Grid, hidden: set[Cell]) -> set[Cell]:
    """Hidden cells that are bridges of the graph (row lines + column lines, cells as edges)."""
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], Cell]]] = {}
    for cell in hidden:
        row, column = ("r", cell[0]), ("c", cell[1])
        adjacency.setdefault(row, []).append((column, cell))
        adjacency.setdefault(column, []).append((row, cell))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    bridges: set[Cell] = set()

    def visit(node: tuple[str, int], via: Cell | None) -> None:
        order[node] = low[node] = len(order)
        for neighbour, edge in adjacency[node]:
            if edge == via:
                continue
            if neighbour in order:
                low[node] = min(low[node], order[neighbour])
            else:
                visit(neighbour, edge)
                low[node] = min(low[node], low[neighbour])
                if low[neighbour] > order[node]:
                    bridges.add(edge)

    for node in sorted(adjacency):
        if node not in order:
            visit(node, None)
    return bridges


def _cheapest_rectangle(grid: Grid, hidden: set[Cell], cell: Cell) -> set[Cell]:
    i, j = cell
    best: tuple[tuple[int, int, int], set[Cell]] | None = None
    for i2 in range(grid.rows + 1):
        for j2 in range(grid.columns + 1):
            if i2 == i or j2 == j:
                continue
            new = {c for c in ((i, j2), (i2, j), (i2, j2)) if c not in hidden}
            if not new:
                continue
            costs = [_cost(grid, c) for c in new]
            key = (sum(c[0] for c in costs), sum(c[1] for c in costs), sum(c[2] for c in costs))
            if best is None or key < best[0]:
                best = (key, new)
    return best[1] if best else set()
