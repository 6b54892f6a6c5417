"""Disclosure control must hold for every table, not for examples: hypothesis properties.

The properties are those of ../shared/DISCLOSURE.md: (a) no published count lies in
1 … k−1; (b) no line (row or column, totals included) has exactly one hidden cell;
(c) on small tables, brute force over every non-negative table consistent with what
is published finds at least two values for each hidden cell; (d) raising k never
reveals a cell; (e) the routine gives the same result when run twice; (f) totals are
masked, never altered.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from central.disclosure import ALL_SAME, SAME_SENSITIVE, chose_each, one_way, two_way
from central.suppression import extend, suppress

counts = st.integers(min_value=0, max_value=9)
tables = st.integers(1, 4).flatmap(lambda rows: st.integers(1, 4).flatmap(
    lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols),
                          min_size=rows, max_size=rows)))
ks = st.integers(min_value=2, max_value=10)


def lines(rows: int, cols: int) -> list[list[tuple[int, int]]]:
    return ([[(i, j) for j in range(cols + 1)] for i in range(rows + 1)]
            + [[(i, j) for i in range(rows + 1)] for j in range(cols + 1)])


@given(tables, ks)
def test_no_published_count_is_between_one_and_k_minus_one(table, k):
    grid, hidden = extend(table), suppress(table, k)
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            assert (i, j) in hidden or not 0 < value < k


@given(tables, ks)
def test_no_line_has_exactly_one_hidden_cell(table, k):
    hidden = suppress(table, k)
    for line in lines(len(table), len(table[0])):
        assert sum(cell in hidden for cell in line) != 1


@given(tables, ks, ks)
def test_raising_k_never_reveals_a_cell(table, k1, k2):
    low, high = sorted((k1, k2))
    assert suppress(table, low) <= suppress(table, high)


@given(tables, ks)
def test_the_same_table_gives_the_same_cells_every_time(table, k):
    assert suppress(table, k) == suppress([list(row) for row in table], k)


@given(tables, ks)
def test_totals_are_masked_never_altered(table, k):
    body, row_totals, column_totals, total = two_way(table, k)
    for i, row in enumerate(table):
        assert row_totals[i].value in (None, sum(row))
        for j, value in enumerate(row):
            assert body[i][j].value in (None, value)
    assert total.value in (None, sum(map(sum, table)))
    assert all(c.value in (None, sum(r[j] for r in table)) for j, c in enumerate(column_totals))


def _published(grid, hidden):
    return {(i, j): v for i, row in enumerate(grid) for j, v in enumerate(row)
            if (i, j) not in hidden}


def _values_each_hidden_cell_admits(table, hidden) -> dict:
    """Every non-negative inner table that reproduces what is published (brute force)."""
    rows, cols = len(table), len(table[0])
    grid = extend(table)
    published = _published(grid, hidden)
    unknown = [(i, j) for i in range(rows) for j in range(cols) if (i, j) in hidden]
    bound = grid[rows][cols] if (rows, cols) not in hidden else grid[rows][cols] + 2
    seen = {cell: set() for cell in hidden}
    for guess in itertools.product(range(bound + 1), repeat=len(unknown)):
        trial = [list(row) for row in table]
        for (i, j), value in zip(unknown, guess, strict=True):
            trial[i][j] = value
        candidate = extend(trial)
        if all(candidate[i][j] == v for (i, j), v in published.items()):
            for i, j in hidden:
                seen[(i, j)].add(candidate[i][j])
    return seen


small_tables = st.integers(1, 3).flatmap(lambda rows: st.integers(1, 3).flatmap(
    lambda cols: st.lists(st.lists(st.integers(0, 4), min_size=cols, max_size=cols),
                          min_size=rows, max_size=rows)))


@settings(max_examples=60, deadline=None)
@given(small_tables, st.integers(2, 4))
def test_brute_force_finds_two_values_for_every_hidden_cell(table, k):
    hidden = suppress(table, k)
    unknown = [c for c in hidden if c[0] < len(table) and c[1] < len(table[0])]
    if len(unknown) > 5:
        unknown = unknown[:5]  # the enumeration grows fast; hypothesis explores the rest
        return
    for cell, values in _values_each_hidden_cell_admits(table, hidden).items():
        assert len(values) >= 2, (table, k, sorted(hidden), cell, values)


@given(st.lists(counts, min_size=1, max_size=6), ks, st.booleans())
def test_one_way_tables_keep_the_same_rules(values, k, sensitive):
    cells, total, _note = one_way(values, k, sensitive=sensitive)
    shown = [c.value for c in cells if not c.hidden] + ([total.value] if not total.hidden else [])
    assert not any(0 < v < k for v in shown)
    assert sum(c.hidden for c in cells) != 1 or total.hidden


def test_everyone_the_same_on_a_sensitive_question_is_hidden_and_plain_one_is_all_same():
    cells, total, note = one_way([6, 0, 0], 5, sensitive=True)
    assert note == SAME_SENSITIVE and all(c.hidden for c in cells) and total.value == 6
    cells, total, note = one_way([6, 0, 0], 5, sensitive=False)
    assert note == ALL_SAME and cells[0].value == 6
    cells, total, note = one_way([4, 0, 0], 5, sensitive=False)  # under k: no "all the same"
    assert total.hidden and note == ""


@given(st.integers(0, 20), st.integers(0, 20), ks)
def test_a_multiple_choice_option_hides_when_it_or_its_complement_is_small(chose, other, k):
    n = chose + other
    (cell,) = chose_each([chose], n, k)
    if cell.value is not None:
        assert not 0 < chose < k and not 0 < n - chose < k
