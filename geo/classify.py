"""Colours and classes as data: one fixed scale per measure, the same in every year and area.

These are *not* the official Leefbaarometer classes (zeer onvoldoende ... uitstekend): their
``afw`` cut-offs are not in the published files, so we do not invent them. Instead each
measure has fixed, symmetric class edges around the national reference, documented here and
in the legend, so two maps side by side are comparable: the same value always gets the same
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

from geo.schema import DIMENSIONS, MEASURES

__all__ = ["NO_DATA_COLOUR", "PALETTE", "Scale", "describe", "scale_for"]

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

    """

    measure: str
    edges: tuple[float, ...]
    colours: tuple[str, ...]
    centre: float

    def classify(self, values: pd.Series | np.ndarray | list[float]) -> np.ndarray:
        """Return the class index (0-8) of each value, -1 for a missing value."""
        arr = np.asarray(values, dtype="float64")
        idx = np.searchsorted(np.asarray(self.edges), arr, side="right")
        return np.where(np.isnan(arr), -1, idx)

    def colour(self, values: pd.Series | np.ndarray | list[float]) -> list[str]:
        """Return the fill colour of each value; :data:`NO_DATA_COLOUR` for a missing one."""
        return [self.colours[i] if i >= 0 else NO_DATA_COLOUR for i in self.classify(values)]

    def labels(self, *, decimals: int = 2) -> list[str]:
        """Return the legend label of each class, e.g. ``"-0,15 tot -0,05"``-style ranges."""

        def f(x: float) -> str:
            return f"{x:+.{decimals}f}" if self.centre == 0 else f"{x:.{decimals}f}"

        e = self.edges
        out = [f"< {f(e[0])}"]
        out += [f"{f(a)} – {f(b)}" for a, b in itertools.pairwise(e)]
        out.append(f"≥ {f(e[-1])}")
        return out


def scale_for(measure: str, *, national_reference: float) -> Scale:
    """Return the fixed scale of a measure.

    Parameters
    ----------
    measure : str
        One of ``lbm, afw, fys, onv, soc, vrz, won``.
    national_reference : float
        The published national reference (``lbm - afw``); the lbm scale is centred on it.

    Returns
    -------
    Scale

    """
    if measure not in MEASURES:
        msg = f"`measure` was {measure!r} but is expected to be one of {', '.join(MEASURES)}"
        raise ValueError(msg)
    if measure in DIMENSIONS:
        return Scale(measure, _DIM_EDGES, PALETTE, 0.0)
    if measure == "afw":
        return Scale(measure, _AFW_EDGES, PALETTE, 0.0)
    edges = tuple(round(national_reference + e, 6) for e in _AFW_EDGES)
    return Scale(measure, edges, PALETTE, national_reference)


def describe(scale: Scale, value: float | None, *, lang: str = "nl") -> str:
    """Say in words where a value lies relative to the national reference.

    Examples
    --------
    >>> describe(scale_for("afw", national_reference=4.1), 0.2)
    'boven landelijk niveau'

    """
    if value is None or pd.isna(value):
        return "geen gegevens" if lang == "nl" else "no data"
    words = _WORDS.get(lang, _WORDS["nl"])
    return words[int(scale.classify([value])[0])]
