"""Colours and classes as data: one scale per measure, the same in every year and area.

Two kinds of scale, both with nine classes on the same colours:

- ``"official"`` (the default): the nine official Leefbaarometer classes. The published files
  carry no cut-offs, but the WFS export of meting 2024 carries the official class of every area
  (``kscore`` for the total score, ``kafw`` and ``kfys`` ... ``kwon`` for ``afw`` and the
  dimensions), and those classes separate cleanly by value. The cut-offs below were *read off*
  that data: each is the midpoint between the highest value of one class and the lowest of the
  next, over all 12,147 buurten and 342 gemeenten (see ``tests/test_classify.py``, which
  reproduces every published class value). ``lbm`` uses the total-score classes with their
  official names (zeer onvoldoende ... uitstekend); ``afw`` and the dimensions share one
  symmetric class scale, which has no official names, so the legend shows the ranges.
- ``"fixed"``: our own fixed, symmetric steps around the national reference (not official).

Both are fixed, so two maps side by side are comparable: the same value always gets the same
colour.

The palette is ColorBrewer RdYlBu (9 classes), which is colour-blind safe; red is below the
national reference, blue above it. Areas without a score are grey, never a value colour.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo import fmt
from geo.i18n import check_lang
from geo.schema import DIMENSIONS, MEASURES

__all__ = [
    "NO_DATA_COLOUR",
    "OFFICIAL_NAMES",
    "PALETTE",
    "SCALE_KINDS",
    "Scale",
    "change_scale_classes",
    "describe",
    "official_class",
    "scale_for",
]

#: ColorBrewer RdYlBu, 9 classes, low (red) to high (blue). Colour-blind safe.
PALETTE: Final[tuple[str, ...]] = (
    "#d73027",
    "#f46d43",
    "#fdae61",
    "#fee090",
    "#ffffbf",
    "#e0f3f8",
    "#abd9e9",
    "#74add1",
    "#4575b4",
)
#: Fill of areas without a score ("geen gegevens").
NO_DATA_COLOUR: Final[str] = "#bdbdbd"

#: Inner class edges of the deviation from the national reference, for afw (and lbm).
_AFW_EDGES: Final[tuple[float, ...]] = (-0.35, -0.25, -0.15, -0.05, 0.05, 0.15, 0.25, 0.35)
#: Inner class edges of each dimension's contribution to afw (one scale for all five).
_DIM_EDGES: Final[tuple[float, ...]] = (-0.20, -0.12, -0.06, -0.02, 0.02, 0.06, 0.12, 0.20)

#: Scale kinds a user can choose: the official classes (default) or our fixed steps.
SCALE_KINDS: Final[tuple[str, ...]] = ("official", "fixed")

#: Official class cut-offs of the total score, in afw units (lbm = afw + national reference),
#: read off the published 2024 class values (``kscore``): midpoints of the gaps between classes.
_OFFICIAL_SCORE_EDGES: Final[tuple[float, ...]] = (
    -0.428303,
    -0.353829,
    -0.281461,
    -0.164048,
    -0.102969,
    0.010146,
    0.089545,
    0.167961,
)
#: Official class cut-offs of afw and the five dimensions (one symmetric scale), read off the
#: published 2024 class values (``kafw``, ``kfys``, ``konv``, ``ksoc``, ``kvrz``, ``kwon``).
_OFFICIAL_DEVIATION_EDGES: Final[tuple[float, ...]] = (
    -0.235199,
    -0.156793,
    -0.078397,
    -0.039199,
    0.039191,
    0.078391,
    0.156775,
    0.235140,
)
#: The nine official class names of the total score, worst to best.
OFFICIAL_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "nl": (
        "zeer onvoldoende",
        "ruim onvoldoende",
        "onvoldoende",
        "zwak",
        "voldoende",
        "ruim voldoende",
        "goed",
        "zeer goed",
        "uitstekend",
    ),
    "en": (
        "very insufficient",
        "clearly insufficient",
        "insufficient",
        "weak",
        "sufficient",
        "more than sufficient",
        "good",
        "very good",
        "excellent",
    ),
}

_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "nl": (
        "ver onder landelijk niveau",
        "ruim onder landelijk niveau",
        "onder landelijk niveau",
        "iets onder landelijk niveau",
        "rond landelijk niveau",
        "iets boven landelijk niveau",
        "boven landelijk niveau",
        "ruim boven landelijk niveau",
        "ver boven landelijk niveau",
    ),
    "en": (
        "far below national level",
        "well below national level",
        "below national level",
        "slightly below national level",
        "around national level",
        "slightly above national level",
        "above national level",
        "well above national level",
        "far above national level",
    ),
}


@dataclass(frozen=True)
class Scale:
    """A fixed classed colour scale for one measure.

    Attributes
    ----------
    measure : str
        The measure the scale is for.
    edges : tuple of float
        The 8 inner class edges, ascending, in the measure's own units; class ``i`` holds
        values in ``[edges[i-1], edges[i])``, the outer classes are open-ended.
    colours : tuple of str
        One hex colour per class (9).
    centre : float
        The national reference the scale is centred on (4.1023 for lbm, else 0).
    kind : {"official", "fixed"}
        The official Leefbaarometer classes, or our own fixed steps.

    """

    measure: str
    edges: tuple[float, ...]
    colours: tuple[str, ...]
    centre: float
    kind: str = "fixed"

    @property
    def has_official_names(self) -> bool:
        """Tell whether the classes carry the official names (the official total-score classes)."""
        return self.kind == "official" and self.measure == "lbm"

    def class_names(self, *, lang: str = "nl") -> list[str] | None:
        """Return the official class names, worst to best, or None when the scale has none."""
        if not self.has_official_names:
            return None
        return list(OFFICIAL_NAMES[check_lang(lang)])

    def classify(self, values: pd.Series | np.ndarray | list[float]) -> np.ndarray:
        """Return the class index (0-8) of each value, -1 for a missing value."""
        arr = np.asarray(values, dtype="float64")
        idx = np.searchsorted(np.asarray(self.edges), arr, side="right")
        return np.where(np.isnan(arr), -1, idx)

    def colour(self, values: pd.Series | np.ndarray | list[float]) -> list[str]:
        """Return the fill colour of each value; :data:`NO_DATA_COLOUR` for a missing one."""
        return [self.colours[i] if i >= 0 else NO_DATA_COLOUR for i in self.classify(values)]

    def labels(self, *, decimals: int = 2, lang: str = "en") -> list[str]:
        """Return the legend label of each class: ranges such as ``"-0,15 – -0,05"`` (``lang="nl"``)."""

        def f(x: float) -> str:
            return fmt.number(x, lang, decimals, signed=self.centre == 0)

        e = self.edges
        out = [f"< {f(e[0])}"]
        out += [f"{f(a)} – {f(b)}" for a, b in itertools.pairwise(e)]
        out.append(f"≥ {f(e[-1])}")
        return out


def scale_for(measure: str, *, national_reference: float, kind: str = "fixed") -> Scale:
    """Return the scale of a measure.

    Parameters
    ----------
    measure : str
        One of ``lbm, afw, fys, onv, soc, vrz, won``.
    national_reference : float
        The published national reference (``lbm - afw``); the lbm scale is centred on it.
    kind : {"fixed", "official"}, default "fixed"
        Our fixed steps, or the official Leefbaarometer classes read off the published 2024
        class values (see the module docstring).

    Returns
    -------
    Scale

    """
    if measure not in MEASURES:
        msg = f"`measure` was {measure!r} but is expected to be one of {', '.join(MEASURES)}"
        raise ValueError(msg)
    if kind not in SCALE_KINDS:
        msg = f"`kind` was {kind!r} but is expected to be one of {', '.join(SCALE_KINDS)}"
        raise ValueError(msg)
    if kind == "official":
        if measure == "lbm":
            edges = tuple(round(national_reference + e, 6) for e in _OFFICIAL_SCORE_EDGES)
            return Scale(measure, edges, PALETTE, national_reference, "official")
        return Scale(measure, _OFFICIAL_DEVIATION_EDGES, PALETTE, 0.0, "official")
    if measure in DIMENSIONS:
        return Scale(measure, _DIM_EDGES, PALETTE, 0.0)
    if measure == "afw":
        return Scale(measure, _AFW_EDGES, PALETTE, 0.0)
    edges = tuple(round(national_reference + e, 6) for e in _AFW_EDGES)
    return Scale(measure, edges, PALETTE, national_reference)


def official_class(measure: str, value: float | None, *, national_reference: float) -> int | None:
    """Return the official Leefbaarometer class (1-9) of a value, or None when it is missing.

    For ``lbm`` this is the class of the total score (``kscore``); for ``afw`` and the
    dimensions the class of the deviation (``kafw``, ``kfys``, ...).
    """
    if value is None or pd.isna(value):
        return None
    scale = scale_for(measure, national_reference=national_reference, kind="official")
    return int(scale.classify([value])[0]) + 1


def describe(scale: Scale, value: float | None, *, lang: str = "nl") -> str:
    """Say in words where a value lies relative to the national reference.

    Examples
    --------
    >>> describe(scale_for("afw", national_reference=4.1), 0.2)
    'boven landelijk niveau'

    """
    if value is None or pd.isna(value):
        return "geen gegevens" if lang == "nl" else "no data"
    index = int(scale.classify([value])[0])
    names = scale.class_names(lang=lang)
    if names is not None:
        return names[index]
    words = _WORDS[check_lang(lang)]
    return words[index]


def change_scale_classes(vmin: float, vmax: float) -> Scale:
    """Return a 9-class diverging scale for changes, symmetric around 0, from a fixed bound.

    Parameters
    ----------
    vmin, vmax : float
        The fixed bounds of the change scale (see :func:`geo.change.change_scale`); the outer
        classes are open-ended beyond them.
    """
    bound = max(abs(vmin), abs(vmax))
    edges = tuple(round(bound * k / 9, 6) for k in (-7, -5, -3, -1, 1, 3, 5, 7))
    return Scale("change", edges, PALETTE, 0.0)
