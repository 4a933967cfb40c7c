"""A selection: an ordered set of CBS area codes plus the criteria (in words) that built it.

Immutable: every builder returns a new :class:`Selection`. The filters are in
:mod:`geo.selection.filters`, the link token in :mod:`geo.selection.token`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from geo.codes import Level, is_valid_code
from geo.dataset import Dataset
from geo.i18n import check_lang

if TYPE_CHECKING:
    from geo.selection.filters import Filter

__all__ = ["Criterion", "Lang", "Selection", "validate_codes"]

Lang = Literal["nl", "en"]


@dataclass(frozen=True)
class Criterion:
    """One step that built a selection, in Dutch and English.

    Attributes
    ----------
    nl : str
        Dutch text, e.g. ``"wijken met afw onder -0,1 in 2022"``.
    en : str
        English text.
    """

    nl: str
    en: str

    def text(self, lang: Lang = "nl") -> str:
        """Return the text in ``lang`` (``"nl"`` or ``"en"``)."""
        check_lang(lang)
        return self.nl if lang == "nl" else self.en


@dataclass(frozen=True)
class Selection:
    """An ordered set of area codes plus the criteria that produced it.

    Build one with the ``add_*`` methods (each returns a new selection) or with
    :func:`decode_selection`. Duplicates are dropped, keeping the first position.

    Parameters
    ----------
    codes : sequence of str
        CBS area codes of any level.
    criteria : sequence of Criterion
        The steps that produced the codes, in order.

    Raises
    ------
    ValueError
        When a code is not a well-formed CBS code.

    Examples
    --------
    >>> sel = Selection().add_gemeente(ds, "GM0363")  # doctest: +SKIP
    >>> sel.describe("en")  # doctest: +SKIP
    'all districts of Amsterdam (GM0363): 110 areas'
    """

    codes: tuple[str, ...] = ()
    criteria: tuple[Criterion, ...] = field(default=())

    def __post_init__(self) -> None:
        codes = tuple(dict.fromkeys(self.codes))
        bad = [repr(c) for c in codes if not is_valid_code(c)]
        if bad:
            msg = (
                f"`codes` holds {len(bad)} value(s) that are not CBS area codes: {_shown(bad)}; "
                "expected GM plus 4 digits (GM0363), WK plus 6 (WK0363AA) or BU plus 8 (BU0363AA01)"
            )
            raise ValueError(msg)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "criteria", tuple(self.criteria))

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def describe(self, lang: Lang = "nl") -> str:
        """Return the criteria as one sentence-like text, ``"; "``-separated."""
        check_lang(lang)
        return "; ".join(c.text(lang) for c in self.criteria)

    def _extend(self, codes: Iterable[str], criterion: Criterion) -> Selection:
        return Selection((*self.codes, *codes), (*self.criteria, criterion))

    def add_codes(self, ds: Dataset, codes: Iterable[str], *, criterion: Criterion | None = None) -> Selection:
        """Add areas by code.

        Parameters
        ----------
        ds : Dataset
            Every code must be an area of it.
        codes : iterable of str
            Codes of any level.
        criterion : Criterion, optional
            How the codes were chosen; by default "chosen by hand" with their number.

        Returns
        -------
        Selection

        Raises
        ------
        ValueError
            When a code is malformed or not in the dataset (all such codes are named).
        """
        new = list(dict.fromkeys(codes))
        validate_codes(ds, new, "codes")
        n = len(new)
        crit = criterion or Criterion(f"handmatig gekozen: {n} gebied(en)", f"chosen by hand: {n} area(s)")
        return self._extend(new, crit)

    def add_gemeente(self, ds: Dataset, gemeente: str) -> Selection:
        """Add every wijk of a gemeente (``ds.children``).

        Raises
        ------
        ValueError
            When ``gemeente`` is not a gemeente code of the dataset or has no wijken.
        """
        _check_area(ds, gemeente, "gemeente", "gemeente")
        wijken = ds.children(gemeente)
        if not wijken:
            msg = f"`gemeente` {gemeente!r} has no wijken in the dataset; pick a gemeente from ds.gemeenten()"
            raise ValueError(msg)
        name = ds.name(gemeente)
        n = len(wijken)
        crit = Criterion(
            f"alle wijken van {name} ({gemeente}): {n} gebieden",
            f"all districts of {name} ({gemeente}): {n} areas",
        )
        return self._extend(wijken, crit)

    def add_wijk(self, ds: Dataset, wijk: str, *, buurten: bool = True) -> Selection:
        """Add a wijk and, by default, its buurten (where the dataset has buurten).

        Raises
        ------
        ValueError
            When ``wijk`` is not a wijk code of the dataset.
        """
        _check_area(ds, wijk, "wijk", "wijk")
        inner = ds.children(wijk) if buurten else []
        name = ds.name(wijk)
        if inner:
            crit = Criterion(
                f"wijk {name} ({wijk}) met zijn {len(inner)} buurten",
                f"district {name} ({wijk}) with its {len(inner)} neighbourhoods",
            )
        else:
            crit = Criterion(f"wijk {name} ({wijk})", f"district {name} ({wijk})")
        return self._extend([wijk, *inner], crit)

    def add_filter(self, ds: Dataset, spec: Filter) -> Selection:
        """Add the areas picked by a :class:`Filter` (see :func:`filter_codes`)."""
        from geo.selection.filters import filter_codes  # the filters build on this module

        result = filter_codes(ds, spec)
        return self._extend(result.codes, result.criterion)

    def remove(self, codes: Iterable[str]) -> Selection:
        """Return the selection without ``codes`` (unknown codes are ignored); records the step."""
        drop = set(codes) & set(self.codes)
        if not drop:
            return self
        n = len(drop)
        crit = Criterion(f"{n} gebied(en) verwijderd", f"{n} area(s) removed")
        return Selection(tuple(c for c in self.codes if c not in drop), (*self.criteria, crit))


def _shown(items: Sequence[str], k: int = 10) -> str:
    more = f" and {len(items) - k} more" if len(items) > k else ""
    return ", ".join(items[:k]) + more


def validate_codes(ds: Dataset, codes: Sequence[str], name: str = "codes") -> None:
    """Check that every code is a well-formed CBS code and an area of ``ds``.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    codes : sequence of str
        The codes to check.
    name : str, default "codes"
        The argument name used in the message.

    Raises
    ------
    ValueError
        Naming every malformed code, or else every code the dataset lacks.
    """
    malformed = [repr(c) for c in codes if not is_valid_code(c)]
    if malformed:
        msg = (
            f"`{name}` holds {len(malformed)} value(s) that are not CBS area codes: {_shown(malformed)}; "
            "expected GM plus 4 digits (GM0363), WK plus 6 (WK0363AA) or BU plus 8 (BU0363AA01)"
        )
        raise ValueError(msg)
    unknown = [c for c in codes if not ds.has(c)]
    if unknown:
        msg = (
            f"`{name}` holds {len(unknown)} code(s) that are not areas of the dataset: {_shown(unknown)}; "
            "use codes of the 2024 CBS wijk- en buurtkaart (Amsterdam: WK0363AA-style codes since 2023)"
        )
        raise ValueError(msg)


def _check_area(ds: Dataset, code: str, level: Level, name: str) -> None:
    if not is_valid_code(code, level):
        example = {"gemeente": "GM0363", "wijk": "WK0363AA", "buurt": "BU0363AA01"}[level]
        msg = f"`{name}` was {code!r} but is expected to be a {level} code such as {example}"
        raise ValueError(msg)
    validate_codes(ds, [code], name)
