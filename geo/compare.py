"""Comparisons: an area against its neighbours, its city and the country, or any areas side by side.

Every row's ``rank`` is :func:`geo.summary.rank_in_gemeente` on the table's ``measure``: the
same rank, on the same basis, as the map page and the brief show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import pandas as pd

from geo._cache import memo
from geo._checks import check_measure, check_span, check_year, nan
from geo.dataset import Dataset
from geo.i18n import Lang, check_lang
from geo.neighbours import graph_for
from geo.schema import MEASURES
from geo.summary import rank_in_gemeente
from geo.trend import national_mean

__all__ = [
    "TABLE_COLUMNS",
    "area_options",
    "area_options_by_gemeente",
    "compare_series",
    "compare_table",
    "comparison_table",
]

_ROLE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "area": ("Geselecteerd gebied", "Selected area"),
    "neighbour": ("Buur", "Neighbour"),
    "neighbour_cross": ("Buur in andere gemeente", "Neighbour in another municipality"),
    "city": ("Stedelijk gemiddelde", "City average"),
    "country": ("Nederland, gemiddelde", "Netherlands, average"),
    "reference": ("Landelijk referentieniveau", "National reference level"),
    "compared": ("Vergeleken gebied", "Compared area"),
}


# -- comparison tables ----------------------------------------------------------------------------
TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "role",
    "label",
    "code",
    "name",
    "gemeente_code",
    "gemeente_name",
    "cross_border",
    *MEASURES,
    "change",
    "rank",
    "rank_of",
)


def _area_row(
    ds: Dataset, code: str, year: int, since: int | None, measure: str, role: str, lang: str, cross: bool | None
) -> dict[str, object]:
    gm, gm_name = ds.gemeente(code)
    label_key = "neighbour_cross" if role == "neighbour" and cross else role
    row: dict[str, object] = {
        "role": role,
        "label": _ROLE_LABELS[label_key][0 if lang == "nl" else 1],
        "code": code,
        "name": ds.name(code),
        "gemeente_code": gm,
        "gemeente_name": gm_name,
        "cross_border": cross,
    }
    for m in MEASURES:
        row[m] = nan(ds.value(code, year, m))
    before = nan(ds.value(code, since, measure)) if since is not None else float("nan")
    row["change"] = float(row[measure]) - before  # type: ignore[arg-type]
    rank, row["rank_of"] = rank_in_gemeente(ds, code, year, measure)
    row["rank"] = float("nan") if rank is None else float(rank)
    return row


def _reference_rows(
    ds: Dataset, code: str, year: int, since: int | None, measure: str, lang: str
) -> list[dict[str, object]]:
    idx = 0 if lang == "nl" else 1
    gm, gm_name = ds.gemeente(code)
    city: dict[str, object] = {
        "role": "city",
        "label": _ROLE_LABELS["city"][idx],
        "code": gm,
        "name": gm_name,
        "gemeente_code": gm,
        "gemeente_name": gm_name,
    }
    nation = {"code": "NL", "gemeente_code": "", "gemeente_name": ""}
    country: dict[str, object] = {"role": "country", "label": _ROLE_LABELS["country"][idx], **nation}
    country["name"] = "Nederland" if lang == "nl" else "Netherlands"
    reference: dict[str, object] = {"role": "reference", "label": _ROLE_LABELS["reference"][idx], **nation}
    reference["name"] = "Leefbaarometer 3.0"
    for m in MEASURES:
        city[m] = nan(ds.city_reference(code, year, m).value)
        country[m] = national_mean(ds, year, m)
        reference[m] = nan(ds.national_reference(m).value)
    if since is None:
        city["change"] = country["change"] = reference["change"] = float("nan")
    else:
        city["change"] = float(city[measure]) - nan(ds.city_reference(code, since, measure).value)  # type: ignore[arg-type]
        country["change"] = float(country[measure]) - national_mean(ds, since, measure)  # type: ignore[arg-type]
        reference["change"] = 0.0  # the reference level is fixed for Leefbaarometer 3.0
    return [city, country, reference]


_MISSING: Final = object()  # a row without the column
#: The columns of :data:`TABLE_COLUMNS` that are not text, with their dtypes (NaN or None: missing).
_TYPED: Final[dict[str, Any]] = {
    **dict.fromkeys((*MEASURES, "change"), "float64"),
    "rank": pd.Int64Dtype(),
    "rank_of": pd.Int64Dtype(),
    "cross_border": pd.BooleanDtype(),
}


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """One row per dict, the columns of :data:`TABLE_COLUMNS` (missing keys are missing values).

    Built column by column from lists (a frame of dicts, then ``reindex`` and ``astype``, took
    about 1.5 ms for a dozen rows).
    """
    columns: dict[str, Any] = {}
    for name in TABLE_COLUMNS:
        values = [row.get(name, _MISSING) for row in rows]
        dtype = _TYPED.get(name)
        if dtype == "float64":
            columns[name] = np.array([np.nan if v is _MISSING else v for v in values], dtype="float64")
        elif dtype is not None:
            known: list[Any] = [None if v is _MISSING or v is None or v != v else v for v in values]
            columns[name] = pd.array(known, dtype=dtype)
        else:
            columns[name] = [np.nan if v is _MISSING else v for v in values]
    return pd.DataFrame(columns)


def comparison_table(
    ds: Dataset, code: str, year: int, *, since: int | None = None, measure: str = "lbm", lang: Lang = "nl"
) -> pd.DataFrame:
    """Compare an area with its neighbours, its city and the country in one year.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        A wijk or buurt code.
    year : int
        The year compared.
    since : int, optional
        An earlier year; ``change`` is the change of ``measure`` since then.
    measure : str, default "lbm"
        The measure whose change and rank are shown.
    lang : {"nl", "en"}
        Language of the ``label`` column.

    Returns
    -------
    DataFrame
        Rows: the area (``role="area"``), its neighbours sorted by code (``role="neighbour"``,
        ``cross_border`` True when in another gemeente), then ``city`` (city reference),
        ``country`` (national mean; NaN in years with low coverage, see
        :data:`geo.trend.MIN_NATIONAL_COVERAGE`) and ``reference`` (the published national reference
        level). Columns: ``role, label, code, name, gemeente_code, gemeente_name, cross_border,
        lbm, afw, fys, onv, soc, vrz, won, change, rank, rank_of``; ``rank`` is the position on
        ``measure`` among the same-level areas of the row's own gemeente with a value (1 = best;
        :func:`geo.summary.rank_in_gemeente`, labelled by :func:`geo.summary.rank_label`) and
        ``rank_of`` their number.

    Raises
    ------
    ValueError
        When ``year`` or ``since`` is not a published year, or ``since >= year``.
    """
    check_measure(measure)
    check_lang(lang)
    ds.check_code(code)
    check_year(ds, year, "year")
    if since is not None:
        check_span(ds, since, year, measure)
    graph = graph_for(ds, ds.level(code))
    rows = [_area_row(ds, code, year, since, measure, "area", lang, None)]
    rows += [
        _area_row(ds, n, year, since, measure, "neighbour", lang, graph.is_cross_border(code, n))
        for n in graph.neighbours(code)
    ]
    rows += _reference_rows(ds, code, year, since, measure, lang)
    return _frame(rows)


def compare_table(
    ds: Dataset,
    codes: Sequence[str],
    year: int,
    *,
    since: int | None = None,
    measure: str = "lbm",
    lang: Lang = "nl",
) -> pd.DataFrame:
    """Compare any areas (of any gemeenten and levels) in one year; columns as :func:`comparison_table`.

    Rows are the areas in the order given (``role="compared"``), followed by the national mean and
    the reference level (no city row: the areas may lie in different gemeenten).
    """
    check_measure(measure)
    check_lang(lang)
    for c in codes:
        ds.check_code(c)
    check_year(ds, year, "year")
    if since is not None:
        check_span(ds, since, year, measure)
    rows = [_area_row(ds, c, year, since, measure, "compared", lang, None) for c in dict.fromkeys(codes)]
    if codes:
        rows += _reference_rows(ds, codes[0], year, since, measure, lang)[1:]
    return _frame(rows)


def area_options(ds: Dataset) -> Mapping[str, str]:
    """Return every wijk and buurt code with a unique label ``"name (gemeente, code)"``, sorted by label.

    Computed once per dataset and shared, read-only: a picker of all areas of the country (some
    15,000) holds on to its options for as long as a session lives, so every session holding
    the same mapping instead of a copy saves memory per session.
    """

    def compute() -> Mapping[str, str]:
        a = ds.areas[ds.areas["level"].isin(["wijk", "buurt"])]
        labels = a["name"].astype(str) + " (" + a["gemeente_name"].astype(str) + ", " + a.index.astype(str) + ")"
        order = sorted(zip(labels, a.index, strict=True))
        return MappingProxyType({str(code): str(label) for label, code in order})

    return memo(ds, ("area_options",), compute)


def area_options_by_gemeente(ds: Dataset) -> Mapping[str, tuple[str, ...]]:
    """Return the wijk and buurt codes of every gemeente, each in the label order of :func:`area_options`.

    A picker offers one gemeente's areas at a time (a few hundred at most, not all 15,000 of the
    country), so a session holds only those labels. Gemeenten without wijken or buurten are not
    keys. Computed once per dataset and shared, read-only.

    Examples
    --------
    >>> codes = area_options_by_gemeente(ds)["GM0344"]  # doctest: +SKIP
    >>> [area_options(ds)[c] for c in codes][:1]  # doctest: +SKIP
    ['2e Daalsebuurt en omgeving (Utrecht, BU03440223)']
    """

    def compute() -> Mapping[str, tuple[str, ...]]:
        gemeente_of = ds.areas["gemeente_code"].astype(str)
        groups: dict[str, list[str]] = {}
        for code in area_options(ds):  # already in label order
            groups.setdefault(str(gemeente_of[code]), []).append(code)
        return MappingProxyType({gm: tuple(codes) for gm, codes in groups.items()})

    return memo(ds, ("area_options_by_gemeente",), compute)


def compare_series(ds: Dataset, codes: Sequence[str], measure: str = "lbm") -> pd.DataFrame:
    """Return the scores of several areas over the years, long: ``code, name, gemeente_name, label, year, value``.

    ``label`` is ``"name (gemeente)"``, unique per area. Years without a score are left out.
    """
    check_measure(measure)
    frames = []
    for c in dict.fromkeys(codes):
        area = ds.area(c)
        s = ds.series(c, measure)
        frames.append(
            pd.DataFrame(
                {
                    "code": c,
                    "name": str(area["name"]),
                    "gemeente_name": str(area["gemeente_name"]),
                    "label": f"{area['name']} ({area['gemeente_name']}, {c})",
                    "year": s.index.astype("int64"),
                    "value": s.to_numpy(dtype="float64"),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["code", "name", "gemeente_name", "label", "year", "value"])
    return pd.concat(frames, ignore_index=True)
