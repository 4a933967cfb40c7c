"""The change in ``afw`` of an area or a set between two years, split into the five dimensions.

:func:`dimension_split` returns a :class:`DimensionSplit`: the change of each dimension, which
add up to the change in ``afw`` (checked), with a sentence on the largest part;
:func:`dimension_years` the years that have all five dimension scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo.dataset import Dataset
from geo.fmt import number
from geo.gaps.table import _check
from geo.i18n import Lang, check_lang
from geo.schema import DIMENSIONS, MEASURE_LABELS, TOLERANCE

__all__ = ["DimensionSplit", "dimension_split", "dimension_years"]

_WEIGHTING_LABELS: Final[dict[str, tuple[str, str]]] = {
    "population-weighted": ("gewogen naar inwoners (CBS 2024)", "weighted by inhabitants (CBS 2024)"),
    "unweighted": ("ongewogen", "unweighted"),
    "single area": ("één gebied", "a single area"),
}


def dimension_years(ds: Dataset) -> list[int]:
    """Return the years that have all five dimension scores (for the split's year pickers)."""
    years = set(ds.years("afw"))
    for d in DIMENSIONS:
        years &= set(ds.years(d))
    return sorted(years)


@dataclass(frozen=True)
class DimensionSplit:
    """The change in ``afw`` between two years split into the five dimensions.

    Attributes
    ----------
    parts : DataFrame
        ``dimension, label_nl, label_en, change`` for ``fys, onv, soc, vrz, won``.
    total : float
        The change in ``afw``; the parts add up to it (checked within ``2 * TOLERANCE`` when
        it is computed; see ``residual``).
    year_a, year_b : int
        The two years.
    n_areas : int
        Areas with all six values in both years (for a set).
    residual : float
        ``total - sum(parts)``: the rounding of the published values (each year's dimensions
        sum to ``afw`` within :data:`geo.schema.TOLERANCE`), at most ``2 * TOLERANCE``.
    weighting : str
        ``population-weighted``, ``unweighted`` or ``single area``.
    sentence_nl, sentence_en : str
        "vooral woningvoorraad (+0,04)" in a sentence.
    """

    parts: pd.DataFrame
    total: float
    year_a: int
    year_b: int
    n_areas: int
    weighting: str
    sentence_nl: str
    sentence_en: str
    residual: float = 0.0

    def sentence(self, lang: Lang = "nl") -> str:
        """Return the sentence in ``lang``."""
        return self.sentence_en if lang == "en" else self.sentence_nl

    def bars(self, lang: Lang = "nl") -> pd.DataFrame:
        """Return the chart data: ``label, change``, the five dimensions and then the total (``afw``)."""
        check_lang(lang)
        labels = self.parts["label_en" if lang == "en" else "label_nl"]
        total = "total (afw)" if lang == "en" else "totaal (afw)"
        return pd.DataFrame(
            {"label": [*labels, total], "change": [*(float(v) for v in self.parts["change"]), self.total]}
        )

    def note(self, lang: Lang = "nl") -> str:
        """Say that the parts add up to the total, over how many areas and how they were weighted."""
        check_lang(lang)
        nl, en = _WEIGHTING_LABELS.get(self.weighting, (self.weighting, self.weighting))
        if lang == "en":
            return f"The five bars add up to the total ({self.n_areas} areas, {en})."
        return f"De vijf balken tellen op tot het totaal ({self.n_areas} gebieden, {nl})."


def dimension_split(ds: Dataset, codes: Sequence[str], year_a: int, year_b: int) -> DimensionSplit:
    """Split the change in ``afw`` of an area or a set between two years into the dimensions.

    For a set the changes of the members with all six values in both years are averaged,
    weighted by CBS 2024 population when all of them have one (else unweighted); the same
    weights for every dimension and for ``afw``, so the parts still add up.

    Raises
    ------
    ValueError
        When a year lacks dimension scores (the message lists the years that have them), no
        member has the six values in both years, or the parts do not add up to the ``afw``
        change (a damaged dataset).
    """
    unique = _check(ds, codes, [], "afw", "nl")
    dim_years = dimension_years(ds)
    for y in (year_a, year_b):
        if y not in dim_years:
            msg = f"year {y} has no dimension scores; choose two of {', '.join(map(str, dim_years))}"
            raise ValueError(msg)
    if year_a == year_b:
        msg = "choose two different years"
        raise ValueError(msg)
    measures = ("afw", *DIMENSIONS)
    changes, weights = [], []
    for c in unique:
        row = []
        for m in measures:
            va, vb = ds.value(c, year_a, m), ds.value(c, year_b, m)
            if va is None or vb is None:
                break
            row.append(vb - va)
        else:
            changes.append(row)
            p = ds.area(c).get("population")
            weights.append(float(p) if p is not None and not pd.isna(p) and float(p) > 0 else float("nan"))
    if not changes:
        msg = f"no area of the set has afw and all dimensions in both {year_a} and {year_b}"
        raise ValueError(msg)
    arr = np.array(changes)
    w = np.array(weights)
    if len(unique) == 1:
        weighting, wts = "single area", np.ones(len(arr))
    elif np.all(~np.isnan(w)):
        weighting, wts = "population-weighted", w
    else:
        weighting, wts = "unweighted", np.ones(len(arr))
    mean = np.average(arr, axis=0, weights=wts)
    total = float(mean[0])
    parts = [float(v) for v in mean[1:]]
    residual = total - sum(parts)
    if abs(residual) > 2 * TOLERANCE:
        msg = (
            f"the dimension changes add up to {sum(parts):+.6f}, not to the afw change {total:+.6f}; "
            "the dataset is inconsistent: rebuild it with `python -m geo build`"
        )
        raise ValueError(msg)
    frame = pd.DataFrame(
        {
            "dimension": list(DIMENSIONS),
            "label_nl": [MEASURE_LABELS[d]["nl"] for d in DIMENSIONS],
            "label_en": [MEASURE_LABELS[d]["en"] for d in DIMENSIONS],
            "change": parts,
        }
    )
    top = int(np.argmax(np.abs(parts)))
    d = DIMENSIONS[top]
    nl = (
        f"De afwijking veranderde tussen {year_a} en {year_b} met {number(total, 'nl', 2, signed=True)}, "
        f"vooral door {MEASURE_LABELS[d]['nl'].lower()} ({number(parts[top], 'nl', 2, signed=True)})."
    )
    en = (
        f"Between {year_a} and {year_b} the deviation changed by {number(total, 'en', 2, signed=True)}, "
        f"mostly {MEASURE_LABELS[d]['en'].lower()} ({number(parts[top], 'en', 2, signed=True)})."
    )
    return DimensionSplit(frame, total, year_a, year_b, len(arr), weighting, nl, en, residual)
