"""The reviewer's decisions behind the shipped sets, and re-running the resolver with them.

The decisions are data: ``data/sources/programmes/reviewed-decisions.csv``, beside the
programme lists they decide on, one row per decided entry (columns ``set``, ``entry``,
``codes`` separated by spaces, ``category``, ``reason``). :func:`read_decisions` reads and
checks that file and reports every bad row at once; :data:`HAND_DECISIONS` gives its decisions
per set and entry label, read on first use. Every entry not listed is taken as the resolver
finds it. :func:`shipped_resolution` re-runs the resolver with them: that is how
``data/sets/<slug>.csv`` was made.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final, cast

from geo.codes import is_valid_code
from geo.dataset import Dataset
from geo.sets.resolution import Category, Resolution
from geo.sets.resolve import Decision, _decision_problems, resolve_names
from geo.sets.shipped import _PROGRAMMES_DIR, SHIPPED_SETS, load_entries

__all__ = ["DECISIONS_FILE", "HAND_DECISIONS", "read_decisions", "shipped_resolution"]

#: The reviewed decisions of every shipped set.
DECISIONS_FILE: Final[Path] = _PROGRAMMES_DIR / "reviewed-decisions.csv"
_DECISION_COLUMNS: Final[tuple[str, ...]] = ("set", "entry", "codes", "category", "reason")
_FIX: Final[str] = (
    "fix the file: one row per decided entry with the columns set, entry (as the programme list names it: "
    "as_published, else 'gemeente wijk'), codes (CBS codes separated by spaces; none for not_found), "
    "category and reason"
)


def read_decisions(path: Path = DECISIONS_FILE) -> dict[str, dict[str, Decision]]:
    """Read and check a file of reviewed decisions.

    Parameters
    ----------
    path : Path, default :data:`DECISIONS_FILE`
        A UTF-8 CSV with the columns ``set, entry, codes, category, reason``.

    Returns
    -------
    dict of str to dict of str to Decision
        Per shipped set (every one, in the order of :data:`~geo.sets.shipped.SHIPPED_SETS`), its
        decisions by entry label, in file order.

    Raises
    ------
    ValueError
        Naming the file and, for each bad row (1-based, the header is row 1), what is wrong:
        a column missing, a set that is not shipped, an entry that is not in the set's programme
        list or is decided twice, a malformed code, an unknown category, codes that do not go
        with the category, a missing reason; and how to fix it.

    Examples
    --------
    >>> read_decisions()["40-aandachtswijken"]["Den Haag Transvaal"].codes  # doctest: +SKIP
    ('WK051830',)
    """
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in _DECISION_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            msg = f"{path}: lacks the column(s) {', '.join(missing)}; {_FIX}"
            raise ValueError(msg)
        rows = list(reader)
    decisions: dict[str, dict[str, Decision]] = {slug: {} for slug in SHIPPED_SETS}
    labels = {slug: {e.label for e in load_entries(slug)} for slug in SHIPPED_SETS}
    seen: dict[tuple[str, str], int] = {}
    problems: list[str] = []
    for i, row in enumerate(rows, start=2):
        found, decision = _row_problems(row, labels, seen, i)
        problems += [f"row {i}: {p}" for p in found]
        if decision is not None and not found:
            decisions[row["set"].strip()][row["entry"].strip()] = decision
    if problems:
        more = " ..." if len(problems) > 20 else ""
        msg = f"{path}: {len(problems)} problem(s): " + "; ".join(problems[:20]) + more + f"; {_FIX}"
        raise ValueError(msg)
    return decisions


def _row_problems(
    row: Mapping[str, str | None],
    labels: Mapping[str, set[str]],
    seen: dict[tuple[str, str], int],
    number: int,
) -> tuple[list[str], Decision | None]:
    """Check one row of the decisions file; return its problems and its decision (None when it has none)."""
    slug = str(row.get("set") or "").strip()
    entry = str(row.get("entry") or "").strip()
    if slug not in labels:
        return [f"set {slug[:40]!r} is not a shipped set; use one of {', '.join(labels)}"], None
    problems: list[str] = []
    if entry not in labels[slug]:
        problems.append(f"entry {entry[:60]!r} is not in the programme list of {slug} ({SHIPPED_SETS[slug].file})")
    elif (slug, entry) in seen:
        problems.append(f"entry {entry!r} of {slug} is decided twice (also row {seen[slug, entry]}); keep one")
    seen.setdefault((slug, entry), number)
    codes = tuple(str(row.get("codes") or "").split())
    problems += [f"code {c[:20]!r} is not a CBS code (WK0363AA, BU0363AA01)" for c in codes if not is_valid_code(c)]
    category = cast("Category", str(row.get("category") or "").strip())  # checked by _decision_problems
    decision = Decision(codes, category, str(row.get("reason") or "").strip())
    problems += _decision_problems(decision)
    return problems, decision


@functools.cache
def _decisions_once(path: Path) -> dict[str, dict[str, Decision]]:
    return read_decisions(path)


class _HandDecisions(Mapping[str, Mapping[str, Decision]]):
    """The decisions of :data:`DECISIONS_FILE` per set, read and checked on first use.

    Read lazily so that importing :mod:`geo` reads no file and a damaged decisions file fails
    only what needs it (re-running the resolver), with :func:`read_decisions`' message.
    """

    def __getitem__(self, slug: str) -> Mapping[str, Decision]:
        return _decisions_once(DECISIONS_FILE)[slug]

    def __iter__(self) -> Iterator[str]:
        return iter(_decisions_once(DECISIONS_FILE))

    def __len__(self) -> int:
        return len(_decisions_once(DECISIONS_FILE))


#: Reviewed decisions that replace the resolver's own result, per set and entry label, from
#: :data:`DECISIONS_FILE`. Every one was checked against the CBS wijk and buurt names and the
#: map; entries not listed here are taken as the resolver finds them (and were reviewed too).
HAND_DECISIONS: Final[Mapping[str, Mapping[str, Decision]]] = _HandDecisions()


def shipped_resolution(ds: Dataset, slug: str) -> Resolution:
    """Re-run the resolver on a shipped set with its reviewed :data:`HAND_DECISIONS`.

    This is how ``data/sets/<slug>.csv`` was made; :func:`geo.sets.shipped.load_set` reads that file instead.

    Raises
    ------
    KeyError
        When ``slug`` is not a shipped set.
    ValueError
        When :data:`DECISIONS_FILE` is damaged (see :func:`read_decisions`) or a decision names a
        code that is not in ``ds``.
    """
    return resolve_names(ds, load_entries(slug), overrides=HAND_DECISIONS[slug])
