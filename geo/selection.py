"""Selections: an ordered set of area codes plus the criteria that produced them.

A :class:`Selection` is what a researcher takes away (see :mod:`geo.export`) and what a link
shares. It holds CBS codes of any level and of any number of gemeenten, in the order they were
added, and one :class:`Criterion` (Dutch and English text) per step that built it. Selections
are immutable: every builder returns a new one.

Builders
--------
- :meth:`Selection.add_codes`: codes by hand;
- :meth:`Selection.add_gemeente`: all wijken of a gemeente;
- :meth:`Selection.add_wijk`: a wijk with its buurten (where the dataset has buurten);
- :meth:`Selection.add_filter` with a :class:`Filter`: areas whose score is below or above a
  threshold in a year, or that declined or improved between two years (see :func:`filter_codes`).

Sharing
-------
:func:`encode_selection` turns a selection into a short URL-safe token and
:func:`decode_selection` turns it back, validating every code against the CBS patterns and the
dataset. The token is ``"1"`` (the format version) followed by the unpadded base64url of the
zlib-compressed JSON ``{"c": runs, "q": criteria}``. ``runs`` keeps the codes in order as runs of
consecutive codes that share their first six characters (``WK0363:AA,AB;BU0363:AA01``), so a
selection built gemeente by gemeente compresses well: 500 wijken take about 500 to 1,600
characters. Keeping an arbitrary order costs about 1.3 characters more per code.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, cast

from geo import fmt
from geo.codes import LEVELS, Level, is_valid_code
from geo.dataset import Dataset
from geo.i18n import check_lang
from geo.schema import MEASURES

__all__ = [
    "FILTER_OPS",
    "MAX_TOKEN_LENGTH",
    "Criterion",
    "Filter",
    "FilterResult",
    "Selection",
    "decode_selection",
    "encode_selection",
    "filter_codes",
    "parse_filter",
    "validate_codes",
]

Lang = Literal["nl", "en"]
FilterOp = Literal["below", "above", "declined", "improved"]

#: The filter operations: a threshold in one year, or a change between two years.
FILTER_OPS: Final[tuple[FilterOp, ...]] = ("below", "above", "declined", "improved")
#: Longest token :func:`decode_selection` accepts (characters).
MAX_TOKEN_LENGTH: Final[int] = 100_000
#: Largest decompressed payload :func:`decode_selection` accepts (bytes).
_MAX_PAYLOAD: Final[int] = 2_000_000
_VERSION: Final[str] = "1"

_LEVEL_WORDS: Final[dict[str, tuple[str, str]]] = {
    "gemeente": ("gemeenten", "municipalities"),
    "wijk": ("wijken", "districts"),
    "buurt": ("buurten", "neighbourhoods"),
}


def _fmt(value: float, lang: str) -> str:
    return fmt.plain(value, lang)


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
class Filter:
    """A rule that picks areas by their scores.

    Parameters
    ----------
    measure : str, default "lbm"
        One of ``lbm, afw, fys, onv, soc, vrz, won``.
    op : {"below", "above", "declined", "improved"}
        ``below``/``above``: the value in ``year`` is strictly below/above ``threshold``.
        ``declined``/``improved``: the value in ``year_to`` minus the value in ``year_from`` is
        below ``-threshold`` / above ``threshold`` (``threshold`` >= 0, default 0: any decline
        or improvement).
    threshold : float, optional
        Required for ``below`` and ``above``.
    year : int, optional
        Measurement year for ``below`` and ``above``.
    year_from, year_to : int, optional
        The two measurement years for ``declined`` and ``improved``, ``year_from < year_to``.
    level : {"wijk", "buurt", "gemeente"}, default "wijk"
        Which areas are candidates.
    gemeente : str, optional
        Only areas of this gemeente (``GM0363``); all gemeenten when None.

    Areas without a (displayable) value in a year the rule needs are never picked: a missing
    score is not zero.
    """

    measure: str = "lbm"
    op: FilterOp = "below"
    threshold: float | None = None
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    level: Level = "wijk"
    gemeente: str | None = None


@dataclass(frozen=True)
class FilterResult:
    """The codes a :class:`Filter` picked and the criterion in words.

    Attributes
    ----------
    codes : tuple of str
        Picked area codes, sorted.
    criterion : Criterion
        The rule in Dutch and English, with the number of areas picked.
    """

    codes: tuple[str, ...]
    criterion: Criterion


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


# -- filters -----------------------------------------------------------------------------------
def _check_filter(ds: Dataset, spec: Filter) -> None:
    if spec.measure not in MEASURES:
        msg = f"`measure` was {spec.measure!r} but is expected to be one of {', '.join(MEASURES)}"
        raise ValueError(msg)
    if spec.op not in FILTER_OPS:
        msg = f"`op` was {spec.op!r} but is expected to be one of {', '.join(FILTER_OPS)}"
        raise ValueError(msg)
    if spec.level not in LEVELS:
        msg = f"`level` was {spec.level!r} but is expected to be one of {', '.join(LEVELS)}"
        raise ValueError(msg)
    if spec.gemeente is not None:
        _check_area(ds, spec.gemeente, "gemeente", "gemeente")
    available = ds.years(spec.measure)
    if spec.op in ("below", "above"):
        if spec.threshold is None or spec.year is None:
            msg = f"`op` {spec.op!r} needs `threshold` and `year`, e.g. Filter('afw', 'below', -0.1, year=2022)"
            raise ValueError(msg)
        if spec.year_from is not None or spec.year_to is not None:
            msg = f"`op` {spec.op!r} takes `year`, not `year_from`/`year_to`; use 'declined' or 'improved' for a change"
            raise ValueError(msg)
        years = {"year": spec.year}
    else:
        if spec.year_from is None or spec.year_to is None:
            msg = f"`op` {spec.op!r} needs `year_from` and `year_to`, e.g. year_from=2012, year_to=2022"
            raise ValueError(msg)
        if spec.year is not None:
            msg = f"`op` {spec.op!r} takes `year_from` and `year_to`, not `year`"
            raise ValueError(msg)
        if spec.year_from >= spec.year_to:
            msg = f"`year_from` ({spec.year_from}) must be before `year_to` ({spec.year_to})"
            raise ValueError(msg)
        if spec.threshold is not None and (not math.isfinite(spec.threshold) or spec.threshold < 0):
            msg = f"`threshold` of {spec.op!r} is a size of change and must be >= 0; got {spec.threshold}"
            raise ValueError(msg)
        years = {"year_from": spec.year_from, "year_to": spec.year_to}
    if spec.threshold is not None and not math.isfinite(spec.threshold):
        msg = f"`threshold` must be a finite number; got {spec.threshold}"
        raise ValueError(msg)
    for name, y in years.items():
        if y not in available:
            msg = (
                f"`{name}` was {y} but {spec.measure} has data only in {', '.join(map(str, available))}"
                " (the dimensions are published for 2014, 2018, 2020, 2022 and 2024 only)"
            )
            raise ValueError(msg)


def _criterion(ds: Dataset, spec: Filter, n: int) -> Criterion:
    nl_level, en_level = _LEVEL_WORDS[spec.level]
    if spec.gemeente is not None:
        where = ds.name(spec.gemeente)
        nl_level += f" in {where} ({spec.gemeente})"
        en_level += f" in {where} ({spec.gemeente})"
    m = spec.measure
    if spec.op in ("below", "above"):
        t = float(spec.threshold)  # type: ignore[arg-type]
        nl_op = "onder" if spec.op == "below" else "boven"
        en_op = spec.op
        nl = f"{nl_level} met {m} {nl_op} {_fmt(t, 'nl')} in {spec.year}"
        en = f"{en_level} with {m} {en_op} {_fmt(t, 'en')} in {spec.year}"
        missing = (f"zonder {m} in {spec.year}", f"without {m} in {spec.year}")
    else:
        t = float(spec.threshold or 0.0)
        span_nl = f"tussen {spec.year_from} en {spec.year_to}"
        span_en = f"between {spec.year_from} and {spec.year_to}"
        verb_nl = "daalde" if spec.op == "declined" else "steeg"
        if t > 0:
            nl = f"{nl_level} waar {m} {span_nl} met meer dan {_fmt(t, 'nl')} {verb_nl}"
            en = f"{en_level} where {m} {spec.op} by more than {_fmt(t, 'en')} {span_en}"
        else:
            nl = f"{nl_level} waar {m} {span_nl} {verb_nl}"
            en = f"{en_level} where {m} {spec.op} {span_en}"
        missing = (
            f"zonder {m} in {spec.year_from} of {spec.year_to}",
            f"without {m} in {spec.year_from} or {spec.year_to}",
        )
    nl += f": {n} gebieden (gebieden {missing[0]} vallen af)"
    en += f": {n} areas (areas {missing[1]} are left out)"
    return Criterion(nl, en)


def filter_codes(ds: Dataset, spec: Filter) -> FilterResult:
    """Return the areas a :class:`Filter` picks, and the rule in words.

    Parameters
    ----------
    ds : Dataset
        The dataset; only its displayable scores count (excluded rows never match).
    spec : Filter
        The rule.

    Returns
    -------
    FilterResult
        Codes sorted, and the criterion in Dutch and English.

    Raises
    ------
    ValueError
        When the rule is incomplete or contradictory, a year has no data for the measure, or the
        gemeente is unknown.

    Examples
    --------
    >>> filter_codes(ds, Filter("afw", "below", -0.1, year=2022)).criterion.en  # doctest: +SKIP
    'districts with afw below -0.1 in 2022: 87 areas (areas without afw in 2022 are left out)'
    """
    _check_filter(ds, spec)
    candidates = ds.codes(spec.level, gemeente=spec.gemeente)
    if spec.op in ("below", "above"):
        v = ds.values(candidates, int(spec.year), spec.measure)  # type: ignore[arg-type]
        t = float(spec.threshold)  # type: ignore[arg-type]
        hit = v < t if spec.op == "below" else v > t
    else:
        a = ds.values(candidates, int(spec.year_from), spec.measure)  # type: ignore[arg-type]
        b = ds.values(candidates, int(spec.year_to), spec.measure)  # type: ignore[arg-type]
        change = b - a
        t = float(spec.threshold or 0.0)
        hit = change < -t if spec.op == "declined" else change > t
    codes = tuple(sorted(str(c) for c in hit.index[hit.fillna(False).to_numpy(dtype=bool)]))
    return FilterResult(codes, _criterion(ds, spec, len(codes)))


def parse_filter(text: str) -> Filter:
    """Parse ``"measure=afw,op=below,threshold=-0.1,year=2022"`` into a :class:`Filter`.

    Keys are the fields of :class:`Filter`; ``year``, ``year_from`` and ``year_to`` are
    integers, ``threshold`` a number with a decimal point.

    Raises
    ------
    ValueError
        When a part is not ``key=value``, a key is unknown or a number does not parse.
    """
    ints = {"year", "year_from", "year_to"}
    allowed = ("measure", "op", "threshold", "year", "year_from", "year_to", "level", "gemeente")
    kwargs: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not value:
            msg = f"filter part {part!r} is not key=value; write e.g. 'measure=afw,op=below,threshold=-0.1,year=2022'"
            raise ValueError(msg)
        if key not in allowed:
            msg = f"filter key {key!r} is unknown; allowed keys are {', '.join(allowed)}"
            raise ValueError(msg)
        if key in kwargs:
            msg = f"filter key {key!r} is given twice"
            raise ValueError(msg)
        try:
            kwargs[key] = int(value) if key in ints else float(value) if key == "threshold" else value
        except ValueError:
            kind = "a whole year" if key in ints else "a number with a decimal point"
            msg = f"filter value {key}={value!r} is not {kind}"
            raise ValueError(msg) from None
    if not kwargs:
        msg = "the filter is empty; write e.g. 'measure=afw,op=below,threshold=-0.1,year=2022'"
        raise ValueError(msg)
    return Filter(**kwargs)  # type: ignore[arg-type]


# -- sharing -----------------------------------------------------------------------------------
#: Limits on the criteria a link may carry: their text is shown to whoever opens the link.
MAX_CRITERIA = 50
MAX_CRITERION_LENGTH = 300


def encode_selection(selection: Selection) -> str:
    """Encode a selection as a short URL-safe token (see the module docstring for the format).

    Parameters
    ----------
    selection : Selection

    Returns
    -------
    str
        Letters, digits, ``-`` and ``_`` only; decode with :func:`decode_selection`.
    """
    runs = [
        key + ":" + ",".join(c[6:] for c in group)
        for key, group in itertools.groupby(selection.codes, key=lambda c: c[:6])
    ]
    payload = {"c": ";".join(runs), "q": [[c.nl, c.en] for c in selection.criteria]}
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode("ascii")
    return _VERSION + packed


def _invalid(detail: str) -> ValueError:
    return ValueError(
        f"`token` is not a valid selection link ({detail}); copy the whole link again, or rebuild the selection"
    )


def _unpack(token: str) -> dict[str, object]:
    if not isinstance(token, str) or not token:
        raise _invalid(f"expected a non-empty string, got {token!r}")
    if len(token) > MAX_TOKEN_LENGTH:
        raise _invalid(f"{len(token)} characters, at most {MAX_TOKEN_LENGTH} are accepted")
    if token[0] != _VERSION:
        raise _invalid(f"format version {token[0]!r}, expected {_VERSION!r}")
    body = token[1:]
    if body.strip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"):
        raise _invalid("it holds characters other than letters, digits, '-' and '_'")
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, _MAX_PAYLOAD)
        if inflater.unconsumed_tail:
            raise _invalid(f"it unpacks to more than {_MAX_PAYLOAD} bytes")
        if not inflater.eof:
            raise _invalid("it is truncated")
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _invalid(f"it does not unpack: {exc}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), str) or not isinstance(payload.get("q"), list):
        raise _invalid("its content has an unknown layout")
    return payload


def _codes_of(runs: str) -> list[str]:
    codes: list[str] = []
    if not runs:
        return codes
    for run in runs.split(";"):
        key, sep, rest = run.partition(":")
        if not sep:
            raise _invalid(f"run {run[:20]!r} has no ':'")
        codes.extend(key + suffix for suffix in rest.split(","))
    return codes


def decode_selection(ds: Dataset, token: str) -> Selection:
    """Decode a token made by :func:`encode_selection`, validating every code.

    Parameters
    ----------
    ds : Dataset
        Every code must be an area of it.
    token : str
        The token, e.g. from a URL query parameter.

    Returns
    -------
    Selection
        Codes in their encoded order, and the criteria.

    Raises
    ------
    ValueError
        When the token is malformed, truncated or too large; when a code breaks the CBS
        patterns, appears twice, or is not in the dataset (every such code is named).
    """
    payload = _unpack(token)
    codes = _codes_of(str(payload["c"]))
    criteria_raw = cast(list[object], payload["q"])  # a list, checked by _unpack
    bad = [repr(c) for c in codes if not is_valid_code(c)]
    if bad:
        msg = (
            f"the selection link holds {len(bad)} value(s) that are not CBS area codes: {_shown(bad)}; "
            "expected GM plus 4 digits (GM0363), WK plus 6 (WK0363AA) or BU plus 8 (BU0363AA01)"
        )
        raise ValueError(msg)
    twice = sorted(c for c, n in Counter(codes).items() if n > 1)
    if twice:
        msg = f"the selection link lists {len(twice)} code(s) twice: {_shown(twice)}; rebuild the selection"
        raise ValueError(msg)
    unknown = [c for c in codes if not ds.has(c)]
    if unknown:
        msg = (
            f"the selection link holds {len(unknown)} code(s) that are not areas of this dataset: "
            f"{_shown(unknown)}; they may come from another dataset version, rebuild the selection"
        )
        raise ValueError(msg)
    if len(criteria_raw) > MAX_CRITERIA:
        raise _invalid(f"{len(criteria_raw)} criteria, at most {MAX_CRITERIA} are accepted")
    criteria = []
    for item in criteria_raw:
        if isinstance(item, list) and any(isinstance(x, str) and len(x) > MAX_CRITERION_LENGTH for x in item):
            raise _invalid(f"a criterion is longer than {MAX_CRITERION_LENGTH} characters")
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(t, str) for t in item)):
            raise _invalid("a criterion is not a pair of texts")
        criteria.append(Criterion(item[0], item[1]))
    return Selection(tuple(codes), tuple(criteria))
