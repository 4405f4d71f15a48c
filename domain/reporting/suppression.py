"""Small-cell suppression (domain rule 17), pure: no database, no I/O.

Primary: every count from 1 to threshold-1 is withheld. Zeros stay visible: they identify no
one, and withholding them would blank most of a sparse table.

Complementary: a table states sums ("female + male = total", "the rows add up to the totals
row"). Whenever exactly one cell of such a sum is withheld, the others would give it away, so
the smallest other part is withheld too (non-zero parts first, so that the second unknown
really hides the first), else the sum's total; repeated until no sum has a lone withheld cell.
The sums are treated as exact even where unique persons overlap between groups (a person in
two modules): that only withholds more.

Cells are addressed by paths into the report document (tuples of keys and list indexes);
`withhold` nulls them and names each in its parent's `suppressed` list."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

Path = tuple[Hashable, ...]
# A sum: (total, parts): the total equals the sum of the parts.
Equation = tuple[Path, Sequence[Path]]


def primary(values: Mapping[Path, int | None], threshold: int) -> set[Path]:
    return {path for path, v in values.items() if v is not None and 0 < v < threshold}


def complementary(values: Mapping[Path, int | None], withheld: set[Path], equations: Iterable[Equation]) -> set[Path]:
    """`withheld` grown until no equation has exactly one withheld cell. Equations are checked
    in order, and again whenever one of their cells is withheld: the result is deterministic."""
    result = set(withheld)
    equations = [(total, list(parts)) for total, parts in equations]
    touching: dict[Path, list[int]] = defaultdict(list)
    for i, (total, parts) in enumerate(equations):
        for cell in (total, *parts):
            touching[cell].append(i)
    queue = deque(range(len(equations)))
    while queue:
        total, parts = equations[queue.popleft()]
        if sum(1 for c in (total, *parts) if c in result) != 1:
            continue
        visible = [p for p in parts if p not in result]
        if visible:
            nonzero = [p for p in visible if values.get(p)] or visible
            pick = min(nonzero, key=lambda p: (values.get(p) or 0, str(p)))
        elif total not in result:
            pick = total
        else:
            continue  # a withheld total with no parts left to hide: nothing to give away
        result.add(pick)
        queue.extend(touching[pick])
    return result


def suppress(values: Mapping[Path, int | None], equations: Iterable[Equation], threshold: int) -> set[Path]:
    return complementary(values, primary(values, threshold), equations)


def counts_in(doc: Any, paths: Iterable[Path]) -> dict[Path, int | None]:
    """The values at `paths` in a nested document of dicts and lists."""
    return {path: _get(doc, path) for path in paths}


def withhold(doc: Any, paths: Iterable[Path]) -> None:
    """Null every path and name it in its parent's `suppressed` list (kept sorted)."""
    for path in paths:
        parent = _get(doc, path[:-1])
        parent[path[-1]] = None
        names = parent.setdefault("suppressed", [])
        if path[-1] not in names:
            names.append(path[-1])
            names.sort()


def _get(doc: Any, path: Path) -> Any:
    for step in path:
        doc = doc[step]
    return doc
