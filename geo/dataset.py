"""The dataset model: areas at three levels and a long score table, with lookups.

A :class:`Dataset` is built by :func:`geo.build.build` and loaded with :func:`load_dataset`.
Everything is keyed by CBS code; geometry is stored in RD New (see :mod:`geo.crs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.codes import LEVELS, Level, level_of
from geo.schema import MEASURES, OFFICIAL_CLASS_COLUMNS
from geo.store import read_dataset_files

__all__ = ["DEFAULT_DATA_DIR", "Dataset", "Reference", "load_dataset"]

#: The embedded default dataset, committed with the project.
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

ReferenceMethod = Literal["population-weighted", "unweighted", "published", "official"]


@dataclass(frozen=True)
class Reference:
    """A reference value to compare an area with.

    Attributes
    ----------
    value : float or None
        The value, None when no area of the reference has a score that year.
    method : {"population-weighted", "unweighted", "published", "official"}
        How it was obtained. City references from :meth:`Dataset.city_reference` are means of
        the gemeente's wijken (weighted by CBS 2024 population where every wijk has one); they
        are not official gemeente scores. ``"official"`` is the official gemeente score
        (:meth:`Dataset.official_reference`).
    n_areas : int
        Number of areas averaged (0 for the published national reference).
    """

    value: float | None
    method: ReferenceMethod
    n_areas: int


_NO_CITY_REFERENCE = Reference(None, "unweighted", 0)


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        msg = f"`measure` was {measure!r} but is expected to be one of {', '.join(MEASURES)}"
        raise ValueError(msg)


class Dataset:
    """Areas and scores with the lookups the explorer needs.

    Parameters
    ----------
    areas : GeoDataFrame
        ``code, name, level, parent_code, gemeente_code, gemeente_name, population,
        geometry`` in EPSG:28992.
    scores : DataFrame
        ``code, year, lbm, afw, fys, onv, soc, vrz, won, meting, source``: displayable rows.
    excluded : DataFrame
        Score rows that are not displayed, with ``reason``.
    manifest : dict
        Sources, licences, vintages and the join report.
    display : GeoDataFrame or callable, optional
        Simplified WGS84 geometry for drawing, indexed like ``areas``, or a function that
        returns it on first use.
    """

    def __init__(
        self,
        areas: gpd.GeoDataFrame,
        scores: pd.DataFrame,
        *,
        excluded: pd.DataFrame | None = None,
        manifest: dict[str, Any] | None = None,
        display: gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame] | None = None,
    ) -> None:
        self.areas = areas.set_index("code", drop=False) if "code" in areas else areas
        self.areas.index.name = None
        self.scores = scores.reset_index(drop=True)
        self.excluded = excluded if excluded is not None else scores.iloc[0:0].assign(reason="")
        self.manifest = manifest or {}
        self._display = display

    # -- areas ------------------------------------------------------------------------------
    def __repr__(self) -> str:
        counts = self.areas["level"].value_counts().to_dict()
        return f"<Dataset {counts} scores={len(self.scores)} years={self.years()}>"

    def has(self, code: str) -> bool:
        """Tell whether ``code`` is an area of the dataset."""
        return code in self.areas.index

    def area(self, code: str) -> pd.Series:
        """Return the attributes of one area.

        Raises
        ------
        KeyError
            With a message naming the code, when the dataset has no such area.
        """
        self.check_code(code)
        row: pd.Series = self.areas.loc[code]
        return row

    def check_code(self, code: str) -> None:
        """Raise a KeyError naming ``code`` when the dataset has no such area (a dictionary lookup).

        Raises
        ------
        KeyError
            With a message naming the code and what codes look like.
        """
        if code not in self._names:
            msg = f"no area with code {code!r} in the dataset; codes look like GM0363, WK0363AA"
            raise KeyError(msg)

    def _by_code(self, column: str, *, skip_missing: bool = False) -> dict[str, str]:
        """Code -> the text in ``column`` of every area (a row of ``areas`` costs some 0.3 ms to look up)."""
        values = self.areas[column].dropna() if skip_missing else self.areas[column]
        return {str(c): str(v) for c, v in zip(values.index, values, strict=True)}

    @cached_property
    def _names(self) -> dict[str, str]:
        return self._by_code("name")

    def name(self, code: str) -> str:
        """Return the name of an area."""
        self.check_code(code)
        return self._names[code]

    def level(self, code: str) -> Level:
        """Return the level of an area code."""
        return level_of(code)

    def codes(self, level: Level, *, gemeente: str | None = None) -> list[str]:
        """Return the codes of a level, sorted, optionally within one gemeente.

        Raises
        ------
        ValueError
            If ``level`` is not one of ``gemeente, wijk, buurt``.
        """
        if level not in LEVELS:
            msg = f"`level` was {level!r} but is expected to be one of {', '.join(LEVELS)}"
            raise ValueError(msg)
        a = self.areas
        mask = a["level"] == level
        if gemeente is not None:
            mask &= a["gemeente_code"] == gemeente
        return sorted(a.index[mask])

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        grouped = self.areas.dropna(subset=["parent_code"]).groupby("parent_code").groups
        return {str(k): sorted(map(str, v)) for k, v in grouped.items()}

    def children(self, code: str) -> list[str]:
        """Return the codes of the areas directly inside ``code`` (wijken of a gemeente, buurten of a wijk)."""
        self.check_code(code)
        return list(self._children.get(code, []))

    def parent(self, code: str) -> str | None:
        """Return the code of the containing area, or None for a gemeente."""
        self.check_code(code)
        return self._parents.get(code)

    @cached_property
    def _parents(self) -> dict[str, str]:
        return self._by_code("parent_code", skip_missing=True)  # a gemeente has none

    @cached_property
    def _gemeenten(self) -> pd.DataFrame:
        gm = self.areas[self.areas["level"] == "gemeente"]
        with_wijken = set(self._children)
        gm = gm[[c in with_wijken for c in gm.index]]
        out: pd.DataFrame = gm[["code", "name"]].sort_values(["name", "code"]).reset_index(drop=True)
        return out

    def gemeenten(self) -> pd.DataFrame:
        """Return ``code, name`` of every gemeente with at least one wijk, sorted by name.

        The frame is shared (computed once); do not modify it.
        """
        return self._gemeenten

    @property
    def display(self) -> gpd.GeoDataFrame:
        """Simplified WGS84 geometry for drawing (falls back to reprojecting ``areas``)."""
        if callable(self._display):
            self._display = self._display()
        if self._display is None:
            self._display = self.areas[["code", "geometry"]].to_crs("EPSG:4326")
        return self._display

    # -- scores -----------------------------------------------------------------------------
    @cached_property
    def _wide(self) -> dict[str, pd.DataFrame]:
        return {m: self.scores.pivot(index="code", columns="year", values=m) for m in MEASURES}

    @cached_property
    def _years(self) -> dict[str, tuple[int, ...]]:
        """The years with data per measure (asked for several times in every page run)."""
        return {m: tuple(int(y) for y in wide.columns[wide.notna().any()]) for m, wide in self._wide.items()}

    def years(self, measure: str = "lbm", *, code: str | None = None) -> list[int]:
        """Return the measurement years with data for ``measure`` (for one area, if given)."""
        _check_measure(measure)
        if code is not None:
            row = self._score_rows_of.get(code)
            if row is None:
                return []
            values = self._score_arrays[measure][row]
            return [y for y, v in zip(self._score_years, values.tolist(), strict=True) if v == v]  # v == v: not NaN
        return list(self._years[measure])

    def value(self, code: str, year: int, measure: str = "lbm") -> float | None:
        """Return one score, or None when the area has none that year."""
        _check_measure(measure)
        row, col = self._score_rows_of.get(code), self._score_columns_of.get(year)
        if row is None or col is None:
            return None
        v = float(self._score_arrays[measure][row, col])
        return None if np.isnan(v) else v

    # The scores as plain arrays, for the lookups every page run makes many of (a frame's ``at`` or
    # ``loc`` costs 10-300 microseconds a call, an array's a few): a row per code, a column per year.
    @cached_property
    def _score_arrays(self) -> dict[str, np.ndarray]:
        rows, years = self._wide["lbm"].index, self._wide["lbm"].columns  # one set of axes for all measures
        return {m: wide.reindex(index=rows, columns=years).to_numpy(dtype="float64") for m, wide in self._wide.items()}

    @cached_property
    def _score_years(self) -> tuple[int, ...]:
        return tuple(int(y) for y in self._wide["lbm"].columns)

    @cached_property
    def _score_rows_of(self) -> dict[str, int]:
        return {str(c): i for i, c in enumerate(self._wide["lbm"].index)}

    @cached_property
    def _score_columns_of(self) -> dict[int, int]:
        return {y: j for j, y in enumerate(self._score_years)}

    def values(self, codes: list[str], year: int, measure: str = "lbm") -> pd.Series:
        """Return the scores of ``codes`` in ``year`` (NaN where missing), indexed by code."""
        _check_measure(measure)
        wide = self._wide[measure]
        col = wide[year] if year in wide.columns else pd.Series(dtype="float64")
        return col.reindex(codes).astype("float64")

    def value_table(self, codes: list[str], measure: str = "lbm") -> pd.DataFrame:
        """Return the scores of ``codes`` in every year (NaN where missing): a row per code, a column per year.

        One lookup for many years: :meth:`values` per year costs a reindex each.
        """
        _check_measure(measure)
        return self._wide[measure].reindex(codes).astype("float64")

    def series(self, code: str, measure: str = "lbm") -> pd.Series:
        """Return the scores of one area over all years with data, indexed by year."""
        _check_measure(measure)
        wide = self._wide[measure]
        if code not in wide.index:
            return pd.Series(dtype="float64", name=code)
        out = pd.Series(wide.loc[code].dropna(), dtype="float64")
        out.name = code
        return out

    # -- references -------------------------------------------------------------------------
    @cached_property
    def _city_table(self) -> pd.DataFrame:
        wijken = self.areas.loc[self.areas["level"] == "wijk", ["gemeente_code", "population"]]
        long = self.scores.merge(wijken, left_on="code", right_index=True)
        parts = []
        for m in MEASURES:
            g = long[["gemeente_code", "year", m, "population"]].dropna(subset=[m])
            pop = g["population"]
            g = g.assign(w=pop, wv=pop * g[m], known=pop.notna())
            agg = g.groupby(["gemeente_code", "year"]).agg(
                n=(m, "size"), mean=(m, "mean"), known=("known", "sum"), w=("w", "sum"), wv=("wv", "sum")
            )
            weighted = (agg["known"] == agg["n"]) & (agg["w"] > 0)
            agg["value"] = (agg["wv"] / agg["w"]).where(weighted, agg["mean"])
            agg["method"] = weighted.map({True: "population-weighted", False: "unweighted"})
            parts.append(agg[["value", "method", "n"]].assign(measure=m))
        table = pd.concat(parts).reset_index()
        return table.set_index(["gemeente_code", "year", "measure"]).sort_index()

    def city_reference(self, code: str, year: int, measure: str = "lbm") -> Reference:
        """Return the city reference of an area: the mean of its gemeente's wijken.

        The mean is weighted by CBS 2024 population when every scored wijk of the gemeente has
        a population, else it is the plain mean; :attr:`Reference.method` says which. It is
        not an official gemeente score.

        Parameters
        ----------
        code : str
            Any area code; its gemeente is used.
        year : int
            Measurement year.
        measure : str, default "lbm"
            One of ``lbm, afw, fys, onv, soc, vrz, won``.
        """
        _check_measure(measure)
        gm, _ = self.gemeente(code)
        refs = self._city_references.get(gm)
        if refs is None:  # first asked for: read the gemeente's rows once (two sessions may both do it)
            refs = self._city_references.setdefault(gm, self._city_rows(gm))
        return refs.get((year, measure), _NO_CITY_REFERENCE)

    def gemeente(self, code: str) -> tuple[str, str]:
        """Return the code and name of the gemeente an area lies in (a gemeente: itself).

        Raises
        ------
        KeyError
            With a message naming the code, when the dataset has no such area.
        """
        self.check_code(code)
        return self._gemeente_codes[code], self._gemeente_names[code]

    @cached_property
    def _gemeente_names(self) -> dict[str, str]:
        return self._by_code("gemeente_name")

    @cached_property
    def _gemeente_codes(self) -> dict[str, str]:
        return self._by_code("gemeente_code")

    @cached_property
    def _city_references(self) -> dict[str, dict[tuple[int, str], Reference]]:
        """The city references of each gemeente asked for so far, by (year, measure)."""
        return {}

    def _city_rows(self, gemeente: str) -> dict[tuple[int, str], Reference]:
        table = self._city_table
        if gemeente not in table.index.get_level_values(0):
            return {}
        rows = table.loc[gemeente]
        return {
            (int(y), str(m)): Reference(float(v), cast(ReferenceMethod, k), int(n))
            for (y, m), v, k, n in zip(rows.index, rows["value"], rows["method"], rows["n"], strict=True)
        }

    def official_reference(self, code: str, year: int, measure: str = "lbm") -> Reference:
        """Return the official score of an area's gemeente (``method="official"``).

        The Leefbaarometer publishes gemeente scores of their own (in the embedded data: the
        WFS export, 2024 only); they are not the mean of the wijken. ``lbm`` of the WFS export is
        derived (``afw`` + the national reference), see :meth:`derived_measures`.

        Parameters
        ----------
        code : str
            Any area code; its gemeente is used.
        year : int
            Measurement year.
        measure : str, default "lbm"
            One of ``lbm, afw, fys, onv, soc, vrz, won``.

        Returns
        -------
        Reference
            ``value`` None (and ``n_areas`` 0) when the gemeente has no official score that year.
        """
        _check_measure(measure)
        gm, _ = self.gemeente(code)
        value = self.value(gm, year, measure)
        return Reference(value, "official", 0 if value is None else 1)

    @cached_property
    def _score_rows(self) -> pd.DataFrame:
        return self.scores.set_index(["code", "year"]).sort_index()

    def official_class(self, code: str, year: int, measure: str = "lbm") -> int | None:
        """Return the published official class (1-9) of an area's score, or None.

        The classes come from the WFS export of meting 2024 (``kscore`` for ``lbm``, ``kafw``
        for ``afw``, ``kfys`` ... ``kwon`` for the dimensions); other years have none.
        """
        _check_measure(measure)
        column = OFFICIAL_CLASS_COLUMNS[measure]
        if column not in self.scores.columns:
            return None
        try:
            value: Any = self._score_rows.at[(code, year), column]
        except KeyError:
            return None
        return None if pd.isna(value) else int(value)

    def derived_measures(self, code: str, year: int) -> tuple[str, ...]:
        """Return the measures of an area-year that are derived rather than published (e.g. ``("lbm",)``)."""
        if "derived" not in self.scores.columns:
            return ()
        try:
            value: Any = self._score_rows.at[(code, year), "derived"]
        except KeyError:
            return ()
        return tuple(d for d in str(value).split(",") if d) if isinstance(value, str) else ()

    @cached_property
    def _national_reference_lbm(self) -> float:
        diff = (self.scores["lbm"] - self.scores["afw"]).dropna()
        return float(np.median(diff)) if len(diff) else float("nan")

    def national_reference(self, measure: str = "lbm") -> Reference:
        """Return the published national reference level of Leefbaarometer 3.0.

        ``afw`` and the dimensions are deviations from it, so their reference is 0; for
        ``lbm`` it is ``lbm - afw``, the same on every published row (4.1023).
        """
        _check_measure(measure)
        value = self._national_reference_lbm if measure == "lbm" else 0.0
        return Reference(value, "published", 0)

    @cached_property
    def _wijk_scores(self) -> pd.DataFrame:
        """The scores of the wijken with their population, joined once (in the order of ``scores``)."""
        wijken = self.areas.loc[self.areas["level"] == "wijk", ["population"]]
        return self.scores.merge(wijken, left_on="code", right_index=True)

    def national_mean(self, year: int, measure: str = "lbm") -> Reference:
        """Return the population-weighted mean of all scored wijken with a known population."""
        _check_measure(measure)
        scored = self._wijk_scores
        g = scored[scored["year"] == year].dropna(subset=[measure, "population"])
        g = g[g["population"] > 0]
        if g.empty:
            return Reference(None, "population-weighted", 0)
        return Reference(float(np.average(g[measure], weights=g["population"])), "population-weighted", len(g))

    def is_excluded(self, code: str) -> str | None:
        """Return why the scores of ``code`` are not shown, or None."""
        return self._exclusions.get(code)

    @cached_property
    def _exclusions(self) -> dict[str, str]:
        """Code -> its reasons for exclusion, joined (the table's rows, grouped once)."""
        grouped = self.excluded.groupby("code")["reason"]
        return {str(c): "; ".join(sorted(set(map(str, r)))) for c, r in grouped}


def load_dataset(path: str | Path = DEFAULT_DATA_DIR) -> Dataset:
    """Load a dataset built by ``python -m geo build``, verifying every file.

    Parameters
    ----------
    path : str or Path, default the embedded ``data/`` folder
        Folder with ``manifest.json`` and the data files it lists
        (``areas-<hash>.parquet``, ``display-<hash>.parquet``, ``scores-<hash>.parquet``,
        ``excluded-<hash>.parquet``).

    Returns
    -------
    Dataset

    Raises
    ------
    DataFileError
        When the folder or ``manifest.json`` is missing or damaged, or a file the manifest
        lists is missing or differs from it in size or sha256 (a truncated, damaged or mixed
        dataset). The message names the file and says to rebuild with
        ``python -m geo build --out <folder>``.
    """
    files = read_dataset_files(path, lazy=("display",))

    def display() -> gpd.GeoDataFrame:  # parsed when first drawn (most commands never draw)
        frame: gpd.GeoDataFrame = files.table("display").set_index("code", drop=False)
        frame.index.name = None
        return frame

    return Dataset(
        files.tables["areas"],
        files.tables["scores"],
        excluded=files.tables["excluded"],
        manifest=files.manifest,
        display=display,
    )
