import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import privacy


@pytest.mark.parametrize(
    ("counts", "k", "expected"),
    [
        ({"A": 2, "B": 3}, 3, {"B": 3}),
        ({"A": 4, "B": 3}, 4, {"A": 4}),
        ({"A": 0, "B": 1, "C": 2}, 3, {}),
        ({"A": 10}, 10, {"A": 10}),
    ],
)
def test_only_counts_of_at_least_k_are_publishable(counts, k, expected) -> None:
    assert privacy.publishable(counts, k) == expected


@pytest.mark.parametrize("k", [0, 1, 2, 11])
def test_k_outside_three_to_ten_is_refused(k: int) -> None:
    with pytest.raises(ValueError):
        privacy.publishable({"A": 5}, k)


@pytest.mark.parametrize(
    ("cells", "never", "shown", "total"),
    [
        # Nothing hidden: everything and the total are shown.
        ({"a": 3, "b": 4}, set(), {"a": 3, "b": 4}, 7),
        # One hidden cell would be total minus the rest: the smallest shown goes too,
        # and since the two hidden cells then hold 5 >= k, the total may stay.
        ({"a": 2, "b": 3, "c": 9}, set(), {"c": 9}, 14),
        # Two hidden cells holding fewer than k together: one more is hidden.
        ({"a": 1, "b": 1, "c": 4, "d": 5}, set(), {"d": 5}, 11),
        # A team that is not listed hides its cells even when they are large.
        ({"a": 5, "b": 6}, {"a"}, {}, 11),
        ({"a": 5, "b": 6, "c": 7}, {"a"}, {"c": 7}, 18),
        # A total below k is never shown.
        ({"a": 1, "b": 1}, set(), {}, None),
    ],
)
def test_secondary_suppression(cells, never, shown, total) -> None:
    column = privacy.suppress_column(cells, 3, frozenset(never))
    assert dict(column.shown) == shown
    assert column.total == total


columns = st.dictionaries(st.integers(0, 12), st.integers(0, 15), min_size=0, max_size=12).flatmap(
    lambda cells: st.tuples(
        st.just(cells), st.sets(st.sampled_from(sorted(cells)) if cells else st.nothing())
    )
)


@settings(max_examples=500)
@given(columns, st.integers(privacy.MIN_K, privacy.MAX_K))
def test_no_shown_count_below_k_and_no_hidden_cell_derivable(column_and_never, k) -> None:
    cells, never = column_and_never
    column = privacy.suppress_column(cells, k, frozenset(never))
    assert all(n >= k for n in column.shown.values())
    assert not set(column.shown) & set(never)
    hidden = set(cells) - set(column.shown)
    if column.total is not None:
        assert column.total >= k
        assert column.total == sum(cells.values())
        # Subtraction recovers the sum of the hidden cells; it must not pin down one of
        # them, nor reveal that fewer than k people stand behind them.
        assert len(hidden) != 1
        hidden_sum = column.total - sum(column.shown.values())
        assert not hidden or hidden_sum >= k
