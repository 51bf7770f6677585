"""k-anonymity for theme counts: primary and secondary suppression, pure functions.

Primary: a count below k is never shown. Secondary: where a total over several cells is
shown, the hidden cells under it must not be recoverable by subtraction, so there are
never exactly one of them, and together they hold at least k (else the total goes too).
This is the anti-differencing rule of survey tools such as Lattice's "strong protection".
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

MIN_K = 3  # fewer than three people and a person can be recognised in a group
MAX_K = 10


def check_k(k: int) -> int:
    if not MIN_K <= k <= MAX_K:
        raise ValueError(f"k must be between {MIN_K} and {MAX_K}, got {k}")
    return k


def publishable(counts: Mapping[Hashable, int], k: int) -> dict[Hashable, int]:
    """Primary suppression: only the counts of at least k."""
    check_k(k)
    return {key: n for key, n in counts.items() if n >= k}


@dataclass(frozen=True)
class Column:
    """One column of a table after suppression: shown cells and the total (or None)."""

    shown: Mapping[Hashable, int]
    total: int | None


def suppress_column(
    cells: Mapping[Hashable, int], k: int, never_shown: frozenset = frozenset()
) -> Column:
    """Suppress one column whose total is meant to be shown.

    `cells` holds every contributing cell, also those of groups that are not listed at
    all (`never_shown`), because they are part of the total.
    """
    check_k(k)
    hidden = {key for key, n in cells.items() if n < k or key in never_shown}
    shown = {key: n for key, n in cells.items() if key not in hidden}
    total = sum(cells.values())
    if total < k:
        return Column(shown, None)

    def unsafe() -> bool:
        hidden_sum = total - sum(shown.values())
        return len(hidden) == 1 or (hidden and hidden_sum < k)

    while unsafe():
        if not shown:
            return Column(shown, None)
        # Hide the smallest shown cell next: it costs the reader the least information.
        smallest = min(shown, key=lambda key: (shown[key], repr(key)))
        hidden.add(smallest)
        del shown[smallest]
    return Column(shown, total)


def suppress_table(
    table: Mapping[Hashable, Mapping[Hashable, int]], k: int, never_shown: frozenset
) -> dict[Hashable, Column]:
    """Columns of row → count, each with its total; rows in never_shown stay hidden."""
    return {column: suppress_column(cells, k, never_shown) for column, cells in table.items()}
