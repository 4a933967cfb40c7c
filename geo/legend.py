"""The map's legend: the colour scale's classes as escaped HTML swatches, with a note.

The legend sits beside the map (or, on a projector, in a row under it) and beside the change
map. It is page HTML, not map data, so it lives apart from :mod:`geo.mapping`. Colours and
class names come from :mod:`geo.classify`; every text is escaped here.
"""

from __future__ import annotations

import html
from typing import Final

from geo.classify import NO_DATA_COLOUR, Scale
from geo.i18n import check_lang

__all__ = ["legend_html"]

_NO_DATA: Final[dict[str, str]] = {"nl": "geen gegevens", "en": "no data"}
_LEGEND_NOTES: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "official": "Officiële Leefbaarometer-klassen; de grenzen zijn afgelezen uit de gepubliceerde "
        "klassen van 2024.",
        "fixed": "Vaste schaal voor alle jaren en gebieden, rond het landelijk referentieniveau. "
        "Geen officiële Leefbaarometer-klassen.",
        "change": "Vaste, symmetrische schaal van de verandering.",
    },
    "en": {
        "official": "Official Leefbaarometer classes; the cut-offs were read off the published 2024 classes.",
        "fixed": "Fixed scale for all years and areas, centred on the national reference. "
        "Not the official Leefbaarometer classes.",
        "change": "Fixed, symmetric scale of the change.",
    },
}


def legend_html(
    scale: Scale,
    *,
    title: str,
    lang: str = "nl",
    note: str | None = None,
    decimals: int = 2,
    compact: bool = False,
) -> str:
    """Return the legend of a scale as escaped HTML: swatches best first, then "no data" and a note.

    Official total-score classes show their official names next to the range; every other
    scale shows the ranges, with ``decimals`` decimals. ``title`` and ``note`` are plain text
    (escaped here). The map page and the change page both draw their legend with it.
    ``compact`` lays the swatches out in a row (for a projector: under the map), worst first,
    official class names without their ranges.
    """
    no_data = _NO_DATA[check_lang(lang)]
    names = scale.class_names(lang=lang)
    labels = scale.labels(decimals=decimals)
    if lang == "nl":
        labels = [label.replace(".", ",") for label in labels]
    entries = [f"{names[i]} ({labels[i]})" if names else labels[i] for i in range(len(labels))]
    swatch = (
        '<div><span style="display:inline-block;width:1.1em;height:1.1em;background:{colour};'
        'border:1px {line} #555;vertical-align:middle;margin-right:.4em"></span>{label}</div>'
    )
    rows = [
        swatch.format(colour=c, line="solid", label=html.escape(label))
        for c, label in reversed(list(zip(scale.colours, entries, strict=True)))
    ]
    rows.append(swatch.format(colour=NO_DATA_COLOUR, line="dashed", label=html.escape(no_data)))
    kind = "change" if scale.measure == "change" else scale.kind
    note = note if note is not None else _LEGEND_NOTES[check_lang(lang)][kind]
    if compact:
        short = list(names) if names else entries
        chips = [
            f'<span style="white-space:nowrap;margin-right:.7em"><span style="display:inline-block;width:.9em;'
            f'height:.9em;background:{c};border:1px solid #555;vertical-align:middle;margin-right:.25em"></span>'
            f"{html.escape(label)}</span>"
            for c, label in zip(scale.colours, short, strict=True)
        ]
        chips.append(
            f'<span style="white-space:nowrap"><span style="display:inline-block;width:.9em;height:.9em;'
            f'background:{NO_DATA_COLOUR};border:1px dashed #555;vertical-align:middle;margin-right:.25em">'
            f"</span>{html.escape(no_data)}</span>"
        )
        return (
            f'<div class="legend" style="line-height:1.4;font-size:.8em"><b>{html.escape(title)}:</b> '
            f'{"".join(chips)} <span style="color:#444">({html.escape(note)})</span></div>'
        )
    return (
        f'<div class="legend" style="line-height:1.5"><b>{html.escape(title)}</b>{"".join(rows)}'
        f'<div style="font-size:.85em;color:#444;margin-top:.3em">{html.escape(note)}</div></div>'
    )
