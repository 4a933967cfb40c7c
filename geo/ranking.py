"""Ranked lists with context: the strongest and weakest areas of a level, with inhabitants.

"Where are the weakest wijken of the country?" is one question, answered by :func:`ranking`.
Small areas (port and industrial wijken with a handful of inhabitants) top such lists without
telling much about where people live, so by default areas with fewer than
:data:`MIN_POPULATION` inhabitants (CBS 2024) are left out, and the result says how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo import fmt
from geo.classify import OFFICIAL_NAMES, official_class
from geo.codes import LEVELS
from geo.dataset import Dataset
from geo.i18n import check_lang
from geo.schema import MEASURES

__all__ = ["MIN_POPULATION", "RANKING_COLUMNS", "Ranking", "ranking"]

#: Areas with fewer inhabitants than this are left out of rankings by default.
MIN_POPULATION: Final[int] = 100
#: Columns of :attr:`Ranking.table`.
RANKING_COLUMNS: Final[tuple[str, ...]] = (
    "rank",
    "code",
    "name",
    "gemeente",
    "value",
    "class",
    "class_name",
    "population",
    "previous_year",
    "change",
)


@dataclass(frozen=True)
class Ranking:
    """The areas of one level ranked on one measure in one year.

    Attributes
    ----------
    level, measure : str
        What was ranked.
    year : int
        The measurement year.
    gemeente : str or None
        The gemeente the ranking is limited to, None for the whole country.
    table : DataFrame
        All ranked areas, best first, with :data:`RANKING_COLUMNS`. ``rank`` 1 is the
        highest value; ``class`` is the official Leefbaarometer class (1-9), ``class_name``
        its official name (total score only); ``change`` is the change since the area's
        previous measurement of the measure (``previous_year``). Missing values are NaN.
    min_population : int
        The inhabitants threshold that was applied (0 = none).
    n_small : int
        Areas with a value left out because they have fewer inhabitants than the threshold.
    n_unknown_population : int
        Ranked areas whose number of inhabitants is not in the data (kept in the ranking).
    n_without_value : int
        Areas of the level (and gemeente) without a value that year.
    """

    level: str
    measure: str
    year: int
    gemeente: str | None
    table: pd.DataFrame
    min_population: int
    n_small: int
    n_unknown_population: int
    n_without_value: int

    def top(self, n: int = 10) -> pd.DataFrame:
        """Return the ``n`` highest-ranked areas."""
        return self.table.head(n)

    def bottom(self, n: int = 10) -> pd.DataFrame:
        """Return the ``n`` lowest-ranked areas, weakest first."""
        return self.table.tail(n).iloc[::-1]

    def notes(self, lang: str = "nl") -> list[str]:
        """Say what the ranking left out or could not check, one sentence each, singular for one area.

        Parameters
        ----------
        lang : {"nl", "en"}, default "nl"

        Returns
        -------
        list of str
            The areas left out as too small (always), those with no known number of inhabitants
            and those without a value that year (when there are any): "1 gebied zonder score in
            2024.", "3 areas without a score in 2024.".

        Examples
        --------
        >>> r.notes("nl")  # doctest: +SKIP
        ['0 gebieden met minder dan 100 inwoners (CBS 2024) zijn weggelaten.', '1 gebied zonder score in 2024.']
        """
        check_lang(lang)
        nl = lang == "nl"

        def n(count: int) -> str:
            return fmt.number(count, lang, 0, group=True)

        def areas(count: int) -> str:
            one = count == 1
            return f"{n(count)} " + (("gebied" if one else "gebieden") if nl else ("area" if one else "areas"))

        small, unknown, without = self.n_small, self.n_unknown_population, self.n_without_value
        threshold = n(self.min_population)
        notes = [
            f"{areas(small)} met minder dan {threshold} inwoners (CBS 2024) "
            + ("is" if small == 1 else "zijn")
            + " weggelaten."
            if nl
            else f"{areas(small)} with fewer than {threshold} inhabitants (CBS 2024) "
            + ("is" if small == 1 else "are")
            + " left out."
        ]
        if unknown:
            notes.append(
                f"Van {areas(unknown)} is het aantal inwoners niet bekend; "
                + ("het staat er wel in." if unknown == 1 else "zij staan er wel in.")
                if nl
                else f"{areas(unknown)} "
                + ("has" if unknown == 1 else "have")
                + " no known number of inhabitants; "
                + ("it is" if unknown == 1 else "they are")
                + " included."
            )
        if without:
            notes.append(
                f"{areas(without)} zonder score in {self.year}."
                if nl
                else f"{areas(without)} without a score in {self.year}."
            )
        return notes


def _previous_years(ds: Dataset, codes: list[str], year: int, measure: str) -> tuple[pd.Series, pd.Series]:
    """Per area, its latest measurement year before ``year`` with a value, and that value."""
    rows = ds.scores.loc[ds.scores["code"].isin(set(codes)) & (ds.scores["year"] < year), ["code", "year", measure]]
    rows = rows.dropna().sort_values(["code", "year"])
    last = rows.groupby("code").tail(1).set_index("code")
    return last["year"].reindex(codes), last[measure].reindex(codes)


def ranking(
    ds: Dataset,
    level: str,
    year: int,
    measure: str = "lbm",
    *,
    gemeente: str | None = None,
    min_population: int = MIN_POPULATION,
    lang: str = "nl",
) -> Ranking:
    """Rank the areas of a level, in the country or one gemeente, on a measure in a year.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    level : {"gemeente", "wijk", "buurt"}
        Which areas to rank.
    year : int
        Measurement year.
    measure : str, default "lbm"
        One of ``lbm, afw, fys, onv, soc, vrz, won``.
    gemeente : str, optional
        Limit the ranking to one gemeente (GM code).
    min_population : int, default :data:`MIN_POPULATION`
        Leave out areas with fewer inhabitants (CBS 2024); 0 keeps all. Areas whose number of
        inhabitants is unknown are kept and counted in ``n_unknown_population``.
    lang : {"nl", "en"}
        Language of the class names.

    Returns
    -------
    Ranking

    Raises
    ------
    ValueError
        For an unknown level or measure, or a negative ``min_population``.
    """
    if level not in LEVELS:
        msg = f"`level` was {level!r} but is expected to be one of {', '.join(LEVELS)}"
        raise ValueError(msg)
    if measure not in MEASURES:
        msg = f"`measure` was {measure!r} but is expected to be one of {', '.join(MEASURES)}"
        raise ValueError(msg)
    if min_population < 0:
        msg = f"`min_population` was {min_population} but must be 0 or more"
        raise ValueError(msg)
    codes = ds.codes(level, gemeente=gemeente)
    values = ds.values(codes, year, measure)
    areas = ds.areas.reindex(codes)
    population = areas["population"].astype("float64")
    has_value = values.notna()
    small = has_value & population.notna() & (population < min_population)
    keep = has_value & ~small
    kept = list(values.index[keep])
    prev_year, prev_value = _previous_years(ds, kept, year, measure)
    ref = float(ds.national_reference().value or 0.0)
    names = OFFICIAL_NAMES[check_lang(lang)]
    table = pd.DataFrame(
        {
            "code": kept,
            "name": [ds.name(c) for c in kept],
            "gemeente": areas.loc[kept, "gemeente_name"].to_numpy(),
            "value": values[keep].to_numpy(),
            "population": population[keep].to_numpy(),
            "previous_year": prev_year.to_numpy(),
        }
    )
    table["change"] = table["value"] - prev_value.to_numpy()
    classes = [official_class(measure, v, national_reference=ref) for v in table["value"]]
    table["class"] = pd.array(classes, dtype="Int64")
    table["class_name"] = [names[k - 1] if measure == "lbm" and k else None for k in classes]
    table = table.sort_values(["value", "code"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["previous_year"] = table["previous_year"].astype("Int64")
    return Ranking(
        level=level,
        measure=measure,
        year=year,
        gemeente=gemeente,
        table=table[list(RANKING_COLUMNS)],
        min_population=min_population,
        n_small=int(small.sum()),
        n_unknown_population=int(table["population"].isna().sum()),
        n_without_value=int((~has_value).sum()),
    )
