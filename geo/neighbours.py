"""Which areas border which: a contiguity graph keyed by CBS code.

Neighbours come from one spatial-index query (:class:`shapely.STRtree` with the ``dwithin``
predicate), never from row loops, and are keyed by area code, never by row position.
Areas without any neighbour ("islands") are kept explicitly in :attr:`NeighbourGraph.islands`.

Why a tolerance
---------------
The CBS wijk polygons of the embedded dataset are simplified one by one (about 0.0005 degree,
34 m east-west and 56 m north-south in the Netherlands), so two wijken that share a border in
reality can leave a sliver or a gap of tens of metres between their simplified outlines, and
four wijken meeting at one point rarely still meet. Strict ``touches`` then misses real
neighbours. Two areas are therefore neighbours when their outlines come within ``tolerance``
metres of each other.

The default, :data:`DEFAULT_TOLERANCE` = 40 m, was chosen on real data. Amsterdam's own buurt
polygons are not simplified, so dissolving them into wijken gives an exact reference graph for
Amsterdam's 110 wijken (306 pairs, including corner contacts). Against it the simplified wijken
miss 24 pairs with strict intersection, 9 at 20 m, 5 at 40 m and 3 at 50 m (those 3, and a
fourth at 40 m, are in IJburg and Waterland, where the CBS and Amsterdam outlines of the IJmeer
differ by square kilometres, so no tolerance can help); they add 0 extra pairs at 0 m, 5 at
20 m, 6 at 40 m, 9 at 50 m and 14 at 60 m. The 6 extra pairs at 40 m are wijken that really lie
13-32 m apart, across a road or canal that belongs to a third wijk: close, never absurd. Nationally the number
of pairs grows from 9,856 (0 m) to 10,618 (50 m) and the growth per metre levels off at about
4 new pairs per metre beyond 40 m (chance near-misses). Buurten are stored at full precision,
so :func:`graph_for` uses :data:`TOLERANCE_BY_LEVEL` (1 m for buurten: float noise only;
25 m would add 30 near-miss pairs to Amsterdam's 1,617).

Why not libpysal
----------------
libpysal's ``Graph.build_fuzzy_contiguity`` (every outline buffered by half the tolerance, then
an ``intersects`` query) was compared with this graph on the embedded data (2024 wijken,
gemeenten and buurten, ``tests/test_neighbours.py`` checks the rule against geopandas' own
``dwithin`` join). It gives the same 10,557 wijk and 887 gemeente pairs, but misses 14 of the
29,960 buurt pairs: buurten whose outlines are exactly 1.000 m apart, where two polygonal
half-metre buffers just fail to meet (a buffer is drawn inside the true circle). A slightly
larger buffer adds pairs instead. So the graph is built here, with the same spatial-index
query libpysal uses, and the package does not depend on libpysal.

Queen and rook
--------------
By default a graph is *queen* contiguity: sharing a single point (within the tolerance) is enough.
With ``rook=True`` two areas must share an edge: the length of border they have within reach of
each other must exceed ``min_edge`` metres. A corner contact (or a near-miss at a corner) puts
up to about ``2 * tolerance`` metres of border within reach, so ``min_edge`` must be larger than
that; by default it is ``2.5 * tolerance`` (100 m at 40 m).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo._cache import memo
from geo.codes import LEVELS, gemeente_of, is_valid_code
from geo.dataset import Dataset

__all__ = [
    "DEFAULT_TOLERANCE",
    "TOLERANCE_BY_LEVEL",
    "NeighbourGraph",
    "build_graph",
    "graph_for",
]

#: Default distance (metres) within which two outlines count as touching; see the module docstring.
DEFAULT_TOLERANCE: Final[float] = 40.0
#: Tolerance per level used by :func:`graph_for`: wijken are simplified, buurten are not.
TOLERANCE_BY_LEVEL: Final[dict[str, float]] = {"gemeente": 40.0, "wijk": 40.0, "buurt": 1.0}
#: ``min_edge`` is this many times the tolerance unless given.
_MIN_EDGE_FACTOR: Final[float] = 2.5
#: Smallest reach (metres) used to measure shared border, so exact contacts are measured too.
_MIN_REACH: Final[float] = 1e-6


@dataclass(frozen=True)
class NeighbourGraph:
    """A symmetric contiguity graph keyed by area code.

    Build it with :func:`build_graph`, :func:`graph_for` or :meth:`from_pairs`; the adjacency
    is made symmetric by construction.

    Attributes
    ----------
    adjacency : mapping of str to tuple of str
        Every area code (islands included) to its sorted neighbour codes.
    gemeente : mapping of str to str or None
        The gemeente code of every area (None when unknown), for :meth:`is_cross_border`.
    tolerance : float
        Distance in metres within which outlines counted as touching.
    rook : bool
        Whether a shared edge (not only a point) was required.
    min_edge : float
        Shared border length (metres) required for rook contiguity (0 for queen).
    """

    adjacency: Mapping[str, tuple[str, ...]]
    gemeente: Mapping[str, str | None] = field(repr=False)
    tolerance: float = 0.0
    rook: bool = False
    min_edge: float = 0.0

    @classmethod
    def from_pairs(
        cls,
        codes: Iterable[str],
        pairs: Iterable[tuple[str, str]],
        *,
        gemeente: Mapping[str, str | None] | None = None,
        tolerance: float = 0.0,
        rook: bool = False,
        min_edge: float = 0.0,
    ) -> NeighbourGraph:
        """Build a graph from area codes and unordered neighbour pairs.

        Parameters
        ----------
        codes : iterable of str
            Every area of the graph, including those without neighbours.
        pairs : iterable of (str, str)
            Neighbour pairs, in any order and direction; self-pairs are ignored.
        gemeente : mapping of str to str or None, optional
            Gemeente code per area; derived from CBS codes where missing.
        tolerance, rook, min_edge
            Recorded as built.

        Returns
        -------
        NeighbourGraph

        Raises
        ------
        ValueError
            When a pair names a code that is not in ``codes``.
        """
        members = sorted(set(codes))
        adj: dict[str, set[str]] = {c: set() for c in members}
        for a, b in pairs:
            if a == b:
                continue
            if a not in adj or b not in adj:
                unknown = a if a not in adj else b
                msg = f"`pairs` names {unknown!r}, which is not in `codes`; add it to `codes` or drop the pair"
                raise ValueError(msg)
            adj[a].add(b)
            adj[b].add(a)
        given = dict(gemeente or {})
        gm = {c: given.get(c, _gemeente_of(c)) for c in members}
        return cls(
            adjacency={c: tuple(sorted(n)) for c, n in adj.items()},
            gemeente=gm,
            tolerance=tolerance,
            rook=rook,
            min_edge=min_edge,
        )

    def __contains__(self, code: object) -> bool:
        return code in self.adjacency

    def __len__(self) -> int:
        return len(self.adjacency)

    @property
    def codes(self) -> list[str]:
        """All area codes of the graph, sorted."""
        return sorted(self.adjacency)

    def neighbours(self, code: str) -> list[str]:
        """Return the sorted codes of the areas bordering ``code``.

        Raises
        ------
        KeyError
            When ``code`` is not an area of the graph.
        """
        try:
            return list(self.adjacency[code])
        except KeyError:
            msg = (
                f"{code!r} is not an area of this neighbour graph ({len(self)} areas); "
                "use the graph of the code's level, e.g. graph_for(ds, ds.level(code))"
            )
            raise KeyError(msg) from None

    @property
    def islands(self) -> list[str]:
        """Codes of the areas without any neighbour, sorted."""
        return sorted(c for c, n in self.adjacency.items() if not n)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """Every neighbour pair once, as ``(a, b)`` with ``a < b``, sorted."""
        return sorted((a, b) for a, ns in self.adjacency.items() for b in ns if a < b)

    def is_cross_border(self, a: str, b: str) -> bool:
        """Tell whether areas ``a`` and ``b`` lie in different gemeenten.

        Raises
        ------
        KeyError
            When either code is not in the graph.
        ValueError
            When the gemeente of either area is unknown.
        """
        self.neighbours(a)
        self.neighbours(b)
        ga, gb = self.gemeente.get(a), self.gemeente.get(b)
        if ga is None or gb is None:
            missing = a if ga is None else b
            msg = (
                f"the gemeente of {missing!r} is unknown; build the graph from areas with a "
                "`gemeente_code` column or with CBS codes"
            )
            raise ValueError(msg)
        return ga != gb

    def cross_border_pairs(self) -> list[tuple[str, str]]:
        """Neighbour pairs whose areas lie in different gemeenten (unknown gemeente skipped)."""
        out = []
        for a, b in self.pairs:
            ga, gb = self.gemeente.get(a), self.gemeente.get(b)
            if ga is not None and gb is not None and ga != gb:
                out.append((a, b))
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the graph as a long table ``focal, neighbour, cross_border`` (both directions)."""
        rows = [
            (a, b, None if self.gemeente.get(a) is None else self.gemeente.get(a) != self.gemeente.get(b))
            for a, ns in sorted(self.adjacency.items())
            for b in ns
        ]
        return pd.DataFrame(rows, columns=["focal", "neighbour", "cross_border"])


def _gemeente_of(code: str) -> str | None:
    return gemeente_of(code) if is_valid_code(code) else None


# -- building ----------------------------------------------------------------------------------
def _checked_codes(areas: gpd.GeoDataFrame, tolerance: float, min_edge: float | None) -> list[str]:
    if not isinstance(areas, gpd.GeoDataFrame):
        msg = f"`areas` was a {type(areas).__name__} but is expected to be a GeoDataFrame"
        raise TypeError(msg)
    if not (isinstance(tolerance, int | float) and math.isfinite(tolerance) and tolerance >= 0):
        msg = f"`tolerance` was {tolerance!r} but is expected to be a finite distance >= 0 in metres"
        raise ValueError(msg)
    reach = max(tolerance, _MIN_REACH)
    if min_edge is not None and not (math.isfinite(min_edge) and min_edge > 2 * reach):
        msg = (
            f"`min_edge` was {min_edge!r} but must exceed 2 * tolerance = {2 * reach:g} m: "
            "a corner contact brings up to that much border within reach; raise `min_edge` or lower `tolerance`"
        )
        raise ValueError(msg)
    if areas.crs is not None and CRS.from_user_input(areas.crs).is_geographic:
        msg = (
            f"`areas` are in a geographic CRS ({areas.crs.to_string()}), so a tolerance in metres is "
            "meaningless; use `areas.to_crs('EPSG:28992')` first"
        )
        raise ValueError(msg)
    raw = areas["code"] if "code" in areas.columns else pd.Series(areas.index, index=areas.index)
    bad = [repr(c) for c in raw if not isinstance(c, str) or not c]
    if bad:
        msg = f"area codes must be non-empty strings; got {', '.join(bad[:5])}; give every area its code"
        raise ValueError(msg)
    codes = [str(c) for c in raw]
    dupes = sorted(c for c, n in Counter(codes).items() if n > 1)
    if dupes:
        msg = f"area codes must be unique; {', '.join(dupes[:5])} occur more than once; dissolve or drop duplicates"
        raise ValueError(msg)
    return codes


def _candidate_pairs(geoms: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    tree = shapely.STRtree(geoms)
    if tolerance > 0:
        left, right = tree.query(geoms, predicate="dwithin", distance=tolerance)
    else:
        left, right = tree.query(geoms, predicate="intersects")
    # dwithin is symmetric in exact arithmetic; take each unordered pair once either way
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    keep = lo != hi
    packed = np.unique(np.stack([lo[keep], hi[keep]], axis=1), axis=0)
    return packed[:, 0], packed[:, 1]


def _shared_length(geoms: np.ndarray, i: np.ndarray, j: np.ndarray, tolerance: float) -> np.ndarray:
    """Mean length of each area's border within ``tolerance`` of the other (symmetric)."""
    reach = max(tolerance, _MIN_REACH)
    used = np.unique(np.concatenate([i, j]))
    boundary = np.empty(len(geoms), dtype=object)
    grown = np.empty(len(geoms), dtype=object)
    boundary[used] = shapely.boundary(geoms[used])
    grown[used] = shapely.buffer(geoms[used], reach)
    ab = shapely.length(shapely.intersection(boundary[i], grown[j]))
    ba = shapely.length(shapely.intersection(boundary[j], grown[i]))
    out: np.ndarray = (ab + ba) / 2
    return out


def build_graph(
    areas: gpd.GeoDataFrame,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    rook: bool = False,
    min_edge: float | None = None,
) -> NeighbourGraph:
    """Build the contiguity graph of a set of polygons.

    Parameters
    ----------
    areas : GeoDataFrame
        One row per area, in a projected CRS in metres (EPSG:28992) or without a CRS. The codes
        come from the ``code`` column, else from the index; they must be unique strings.
        A ``gemeente_code`` column, when present, is used for :meth:`NeighbourGraph.is_cross_border`
        (otherwise it is derived from CBS codes). Missing or empty geometries become islands.
    tolerance : float, default :data:`DEFAULT_TOLERANCE` (40 m)
        Outlines within this distance count as touching (gaps of simplified polygons).
        0 means strict intersection.
    rook : bool, default False
        Require a shared edge of more than ``min_edge`` metres; by default (queen) a shared point is enough.
    min_edge : float, optional
        Border length (metres) that rook contiguity requires; must exceed ``2 * tolerance``.
        Default ``2.5 * tolerance`` (at tolerance 0: any edge longer than a few micrometres).

    Returns
    -------
    NeighbourGraph
        Symmetric, keyed by code, islands kept.

    Raises
    ------
    TypeError
        When ``areas`` is not a GeoDataFrame.
    ValueError
        When the CRS is geographic, a code is missing or duplicated, or a distance is invalid.

    See Also
    --------
    graph_for : the cached graph of one level of a :class:`~geo.dataset.Dataset`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> grid = gpd.GeoDataFrame({"code": ["a", "b", "c"]},
    ...                         geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 1, 3, 2)])
    >>> build_graph(grid, tolerance=0).neighbours("b")
    ['a', 'c']
    >>> build_graph(grid, tolerance=0, rook=True).neighbours("b")
    ['a']
    """
    codes = _checked_codes(areas, tolerance, min_edge)
    geoms = np.asarray(areas.geometry.array, dtype=object)
    geoms[shapely.is_missing(geoms) | shapely.is_empty(geoms)] = None
    i, j = _candidate_pairs(geoms, tolerance)
    edge = 0.0
    if rook:
        edge = _MIN_EDGE_FACTOR * max(tolerance, _MIN_REACH) if min_edge is None else float(min_edge)
        keep = _shared_length(geoms, i, j, tolerance) > edge
        i, j = i[keep], j[keep]
    code_arr = np.asarray(codes, dtype=object)
    gemeente: dict[str, str | None] = {}
    if "gemeente_code" in areas.columns:
        gemeente = {
            c: (None if g is None or (isinstance(g, float) and math.isnan(g)) else str(g))
            for c, g in zip(codes, areas["gemeente_code"], strict=True)
        }
    return NeighbourGraph.from_pairs(
        codes,
        zip(code_arr[i].tolist(), code_arr[j].tolist(), strict=True),
        gemeente=gemeente or None,
        tolerance=float(tolerance),
        rook=rook,
        min_edge=edge,
    )


# -- per dataset ---------------------------------------------------------------------------------
def graph_for(ds: Dataset, level: str) -> NeighbourGraph:
    """Return the queen neighbour graph of one level of a dataset, built once and cached.

    The graph is kept as long as the dataset lives (:func:`geo._cache.memo`), and is safe to
    use from several Streamlit sessions at once. It is *the* neighbour graph of the app: the
    map's dashed outlines, the trend's neighbour mean, the comparison table and the brief all
    use ``graph_for(ds, level).neighbours(code)``.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    level : {"wijk", "buurt", "gemeente"}
        Which areas; buurten exist only where the dataset has them.

    Returns
    -------
    NeighbourGraph
        Built with :data:`TOLERANCE_BY_LEVEL` for the level.

    Raises
    ------
    ValueError
        When ``level`` is not one of the levels.
    """
    if level not in LEVELS:
        msg = f"`level` was {level!r} but is expected to be one of {', '.join(LEVELS)}"
        raise ValueError(msg)

    def compute() -> NeighbourGraph:
        areas = ds.areas[ds.areas["level"] == level]
        return build_graph(areas, tolerance=TOLERANCE_BY_LEVEL[level])

    return memo(ds, ("neighbour_graph", level), compute)
