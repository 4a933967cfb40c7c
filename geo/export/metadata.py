"""The metadata of an export: sources, licences, vintages, build identity, date and criteria.

:func:`export_metadata` describes an export: the sources, licences and attribution of exactly
the rows and areas exported, the vintages, the dataset build (the SHA-256 of its manifest; the
manifest records no build date, so none is invented), the export date and the selection
criteria. :func:`metadata_json` and :func:`metadata_text` write it as a JSON sidecar or as a
plain-text block.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any, Final

from geo import fmt
from geo.codes import LEVELS
from geo.credits import boundary_sources, credit_name, source_in
from geo.dataset import Dataset
from geo.export._options import (
    _NAME_WORDS,
    FileFormat,
    Layout,
    _check_decimals,
    _check_format,
    _check_layout,
)
from geo.export.table import LONG_COLUMNS, _checked_selection, _checked_years, _exclusion
from geo.i18n import Lang, check_lang
from geo.schema import MEASURE_LABELS
from geo.selection import Selection

__all__ = ["export_metadata", "metadata_json", "metadata_text"]

_COLUMN_DOCS: Final[dict[str, dict[str, str]]] = {
    "code": {"nl": "CBS-code van het gebied", "en": "CBS area code"},
    "name": {"nl": "naam van het gebied", "en": "area name"},
    "level": {"nl": "niveau: gemeente, wijk of buurt", "en": "level: gemeente, wijk or buurt"},
    "gemeente_code": {"nl": "CBS-code van de gemeente", "en": "CBS code of the municipality"},
    "gemeente_name": {"nl": "naam van de gemeente", "en": "name of the municipality"},
    "year": {"nl": "meetjaar", "en": "measurement year"},
    **{
        m: {"nl": f"{lab['nl']} (Leefbaarometer 3.0)", "en": f"{lab['en']} (Leefbaarometer 3.0)"}
        for m, lab in MEASURE_LABELS.items()
    },
    "city_reference": {
        "nl": "stedelijk gemiddelde van lbm: gemiddelde van de wijken van de gemeente (gewogen naar "
        "CBS-inwonertal 2024 waar bekend); geen officiële gemeentescore",
        "en": "city reference of lbm: mean of the gemeente's wijken (weighted by CBS 2024 population "
        "where known); not an official municipal score",
    },
    "city_reference_method": {
        "nl": "code, in beide talen gelijk: population-weighted (gewogen naar inwoners) of unweighted (ongewogen)",
        "en": "population-weighted or unweighted",
    },
    "national_reference": {
        "nl": "landelijk referentieniveau van Leefbaarometer 3.0 (lbm - afw)",
        "en": "national reference level of Leefbaarometer 3.0 (lbm - afw)",
    },
    "gap_to_city": {"nl": "lbm min stedelijk gemiddelde", "en": "lbm minus city reference"},
    **{
        c: doc
        for m, lab in MEASURE_LABELS.items()
        for c, doc in (
            (
                f"rank_{m}",
                {
                    "nl": f"positie op {lab['nl']} ({m}) in de gemeente: onder de gebieden van hetzelfde niveau "
                    "in dezelfde gemeente met een waarde in dat jaar; 1 = hoogste, gelijke waarden delen de "
                    "betere positie (1 + aantal hogere waarden); leeg zonder waarde",
                    "en": f"rank on {lab['en']} ({m}) in the gemeente: among the areas of the same level in "
                    "the same gemeente with a value that year; 1 = highest, ties share the better position "
                    "(1 + number of higher values); empty without a value",
                },
            ),
            (
                f"rank_of_{m}",
                {
                    "nl": f"aantal gebieden gerangschikt voor rank_{m} "
                    "(zelfde niveau, gemeente en jaar, met een waarde)",
                    "en": f"number of areas ranked for rank_{m} (same level, gemeente and year, with a value)",
                },
            ),
        )
    },
    "meting": {
        "nl": "Leefbaarometer-meting (publicatie) waaruit de rij komt",
        "en": "Leefbaarometer measurement (release) the row comes from",
    },
    "derived": {
        "nl": "maten van deze rij die de build heeft berekend in plaats van overgenomen uit een publicatie "
        "(leeg: alles gepubliceerd); hoe staat onder 'derived' in de metadata",
        "en": "measures of this row that the build computed instead of taking them from a publication "
        "(empty: all published); how is under 'derived' in the metadata",
    },
    "excluded": {
        "nl": "True (ja): de scores van dit gebied worden niet getoond (zie excluded_reason); False (nee): wel",
        "en": "true: the scores of this area are not shown (see excluded_reason)",
    },
    "excluded_reason": {
        "nl": "waarom, als code (Engels), bijv. 'name mismatch': de code hoort in de score bij een ander gebied "
        "dan de grens",
        "en": "why, e.g. 'name mismatch': the score's code names another area than the polygon",
    },
}


def _manifest_sha256(ds: Dataset) -> str:
    # The manifest as `python -m geo build` writes it, so this equals the file's hash.
    text = json.dumps(ds.manifest, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: What the metadata copies of a source's manifest entry (both languages of its texts).
_SOURCE_KEYS: Final = (
    "file",
    "title",
    "title_en",
    "publisher",
    "publisher_en",
    "licence",
    "licence_en",
    "attribution",
    "url",
    "level",
    "meting",
    "vintage",
    "sha256",
)


def _source_entry(src: dict[str, Any], **extra: object) -> dict[str, Any]:
    return {k: src[k] for k in _SOURCE_KEYS if k in src} | extra


def export_metadata(
    ds: Dataset,
    selection: Selection,
    *,
    years: Sequence[int] | None = None,
    layout: Layout = "long",
    file_format: FileFormat = "csv",
    export_date: dt.date | None = None,
    dutch: bool = False,
    bom: bool = False,
    decimals: int | None = None,
) -> dict[str, Any]:
    """Describe an export: sources, licences, vintages, build identity, date and criteria.

    Only the sources of what is exported are listed: a score file when at least one exported
    area-year row comes from it (``ds.scores['source']``; ``rows_exported``, ``areas_exported``),
    a file that gives the outline of at least one exported area (``ds.areas['source']``, as
    :func:`geo.credits.boundary_sources` finds it for the map and the brief;
    ``boundaries_exported``, ``boundary_attribution``). A file that gives both has both.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    selection : Selection
        The exported areas.
    years : sequence of int, optional
        As given to :func:`~geo.export.table.export_table`.
    layout : {"long", "wide"}, default "long"
        As given to :func:`~geo.export.table.export_table`; recorded. Geo files are always ``"wide"``.
    file_format : {"csv", "geojson", "gpkg"}, default "csv"
        The file the metadata describes; recorded.
    export_date : datetime.date, optional
        Defaults to today (UTC). Pass it for reproducible files.
    dutch, bom, decimals
        The CSV options, as given to :func:`~geo.export.csvfile.to_csv_bytes`; recorded under ``csv`` when
        ``file_format`` is ``"csv"``.

    Returns
    -------
    dict
        JSON-ready: ``title, export_date, format, layout, [csv], selection, counts, years,
        sources, licences, attribution, dataset, [derived], columns, notes``. ``derived`` is
        the dataset manifest's own list of values that are computed rather than published,
        copied when the manifest has one and the export holds derived rows.

    Raises
    ------
    ValueError
        As :func:`~geo.export.table.export_table`.

    See Also
    --------
    geo.export.pipeline.export_files : the metadata together with the files it describes.
    """
    _check_layout(layout)
    _check_format(file_format)
    _check_decimals(decimals)
    codes = _checked_selection(ds, selection)
    chosen = _checked_years(ds, codes, years)
    csv = _csv_record(dutch=dutch, bom=bom, decimals=decimals) if file_format == "csv" else None
    return _metadata(ds, selection, codes, chosen, layout, file_format, export_date, csv)


def _csv_record(*, dutch: bool, bom: bool, decimals: int | None) -> dict[str, Any]:
    return {
        "separator": ";" if dutch else ",",
        "decimal": "," if dutch else ".",
        "encoding": "UTF-8",
        "byte_order_mark": bom,
        "decimals": decimals,
    }


def _metadata(
    ds: Dataset,
    selection: Selection,
    codes: list[str],
    chosen: list[int],
    layout: Layout,
    file_format: FileFormat,
    export_date: dt.date | None,
    csv: dict[str, Any] | None,
) -> dict[str, Any]:
    rows = ds.scores[ds.scores["code"].isin(codes) & ds.scores["year"].isin(chosen)]
    per_file = rows.groupby("source").agg(rows=("code", "size"), areas=("code", "nunique"))
    outlines = {b.file: b for b in boundary_sources(ds, codes)}
    sources = []
    for src in ds.manifest.get("sources", []):
        extra: dict[str, Any] = {}
        if src.get("kind") == "scores" and src.get("file") in per_file.index:
            n = per_file.loc[src["file"]]
            extra |= {"rows_exported": int(n["rows"]), "areas_exported": int(n["areas"])}
        if src.get("file") in outlines:
            b = outlines[src["file"]]
            extra |= {"boundaries_exported": b.n_areas, "boundary_attribution": b.credit}
        if extra:
            sources.append(_source_entry(src, **extra))
    missing = sorted(set(per_file.index) - {s["file"] for s in sources})
    if missing:
        msg = f"the dataset manifest does not describe the score file(s) {', '.join(missing)}; rebuild the dataset"
        raise ValueError(msg)
    licences = sorted({s["licence"] for s in sources if "licence" in s})
    credits = [b.credit for b in outlines.values()]
    credits += [s["attribution"] for s in sources if "rows_exported" in s and "attribution" in s]
    attribution = "; ".join(dict.fromkeys(credits))
    build_date = next((ds.manifest[k] for k in ("built", "build_date", "created") if k in ds.manifest), None)
    level_counts = ds.areas.loc[codes, "level"].value_counts()
    today = export_date or dt.datetime.now(dt.UTC).date()
    meta: dict[str, Any] = {
        "title": "Leefbaarheid in de wijk: export",
        "export_date": today.isoformat(),
        "format": file_format,
        "layout": layout,
    }
    if csv is not None:
        meta["csv"] = csv
    meta |= {
        "selection": {
            "criteria": {"nl": selection.describe("nl"), "en": selection.describe("en")},
            "steps": [{"nl": c.nl, "en": c.en} for c in selection.criteria],
            "n_areas": len(codes),
        },
        "counts": {
            "areas": {lv: int(level_counts.get(lv, 0)) for lv in LEVELS},
            "years": len(chosen),
            "score_rows": len(rows),
            "excluded_areas": int((_exclusion(ds, codes) != "").sum()),
            "derived_rows": int((rows["derived"].fillna("") != "").sum()) if "derived" in rows else 0,
        },
        "years": chosen,
        "sources": sources,
        "licences": licences,
        "attribution": attribution,
        "dataset": {
            "manifest_sha256": _manifest_sha256(ds),
            "build_id": ds.manifest.get("build_id"),
            "format": ds.manifest.get("format"),
            "build_date": build_date,
            "build_date_note": None if build_date else "the dataset manifest records no build date",
            "years": ds.manifest.get("years"),
            "crs": ds.manifest.get("crs"),
        },
    }
    if ds.manifest.get("derived") is not None and meta["counts"]["derived_rows"]:  # only what this export holds
        meta["derived"] = ds.manifest["derived"]
    meta |= {
        "columns": {c: _COLUMN_DOCS[c] for c in LONG_COLUMNS},
        "notes": {
            "nl": (
                "Wijde tabel en geobestanden: kolommen <maat>_<jaar>, rank_<maat>_<jaar> en rank_of_<maat>_<jaar>. "
                "Lege cel = geen score, nooit nul. "
                "De dimensies (fys, onv, soc, vrz, won) zijn alleen gepubliceerd voor 2014, 2018, 2020, 2022 "
                "en 2024. Grenzen: 2024; scores van meting 2022 zijn berekend op de grenzen van 2022."
            ),
            "en": (
                "Wide table and geo files: columns <measure>_<year>, rank_<measure>_<year> and "
                "rank_of_<measure>_<year>. "
                "An empty cell means no score, never zero. "
                "The dimensions (fys, onv, soc, vrz, won) are published for 2014, 2018, 2020, 2022 and 2024 "
                "only. Boundaries: 2024; meting-2022 scores were computed on the 2022 boundaries."
            ),
        },
    }
    return meta


def metadata_json(meta: dict[str, Any]) -> bytes:
    """Write metadata from :func:`export_metadata` as UTF-8 JSON (indented, stable key order)."""
    return (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def metadata_text(meta: dict[str, Any], *, lang: Lang = "nl", prefix: str = "") -> str:
    """Write metadata from :func:`export_metadata` as a short plain-text block.

    Parameters
    ----------
    meta : dict
        From :func:`export_metadata`.
    lang : {"nl", "en"}, default "nl"
    prefix : str, default ""
        Put before every line, e.g. ``"# "`` for a comment header.

    Returns
    -------
    str
        One line per item, each ending in a newline.
    """
    check_lang(lang)
    nl = lang == "nl"
    ds = meta["dataset"]
    lines = [
        meta["title"] if nl else "Liveability by neighbourhood: export",
        f"{'Exportdatum' if nl else 'Export date'}: {meta['export_date']}",
        f"{'Bestand' if nl else 'File'}: {meta['format']}, "
        f"{'indeling' if nl else 'layout'} {_NAME_WORDS[lang][meta['layout']]}",
    ]
    csv = meta.get("csv")
    if csv is not None:
        full = "volledige precisie" if nl else "full precision"
        lines.append(
            f"CSV: {'scheidingsteken' if nl else 'separator'} {csv['separator']!r}, "
            f"{'decimaalteken' if nl else 'decimal mark'} {csv['decimal']!r}, {csv['encoding']}"
            + ((" met BOM, " if nl else " with byte-order mark, ") if csv["byte_order_mark"] else ", ")
            + (full if csv["decimals"] is None else f"{'afgerond op' if nl else 'rounded to'} {csv['decimals']}")
        )
    lines += [
        f"{'Selectie' if nl else 'Selection'}: {meta['selection']['criteria'][lang] or '–'}",
        f"{'Gebieden' if nl else 'Areas'}: {meta['selection']['n_areas']}; "
        f"{'jaren' if nl else 'years'}: {', '.join(map(str, meta['years']))}",
        f"{'Bronnen' if nl else 'Sources'}:",
    ]
    sources = [source_in(s, lang) for s in meta["sources"]]  # titles, names and licences in the language
    for s in sources:
        who = s.get("attribution") or s.get("publisher") or ""
        lines.append(f"  - {s['title']} ({who}); {s.get('licence') or ''}; {s['file']}")
    lines += [
        f"{'Licenties' if nl else 'Licences'}: "
        + ", ".join(sorted({s["licence"] for s in sources if s.get("licence")})),
        f"{'Naamsvermelding' if nl else 'Attribution'}: "
        + "; ".join(credit_name(who, lang) for who in meta["attribution"].split("; ")),
        f"Dataset manifest sha256: {ds['manifest_sha256']}",
        f"{'Bouwdatum' if nl else 'Build date'}: "
        + (str(ds["build_date"]) if ds["build_date"] else ("niet vastgelegd" if nl else "not recorded")),
        meta["notes"][lang],
    ]
    if "derived" in meta:
        lines.append(f"{'Afgeleide waarden' if nl else 'Derived values'}:")
        lines += [f"  - {item}" for item in _derived_lines(meta["derived"], lang)]
    return "".join(f"{prefix}{line}\n" for line in lines)


#: The build's formula for a derived total score (manifest ``derived.<measure>.formula``), which the
#: Dutch text says in Dutch; any other formula is shown as the manifest has it.
_DERIVED_FORMULA: Final[str] = "{measure} = afw + national reference"


def _derived_lines(derived: object, lang: str) -> list[str]:
    """One line per derived measure; in Dutch, the build's known entries in Dutch words."""
    if lang == "nl" and isinstance(derived, dict):
        return [
            _derived_nl(str(m), v) if _is_known(str(m), v) else f"{m}: {_plain(v, lang)}" for m, v in derived.items()
        ]
    return [_plain(item, lang) for item in _items(derived)]


def _is_known(measure: str, entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and entry.get("formula") == _DERIVED_FORMULA.format(measure=measure)
        and isinstance(entry.get("national_reference"), int | float)
    )


def _derived_nl(measure: str, entry: dict[str, Any]) -> str:
    sources = entry.get("sources") or []
    parts = [
        f"{measure}: berekend door de build, niet gepubliceerd: {measure} = afw + landelijk referentieniveau "
        f"({str(entry['national_reference']).replace('.', ',')})",
    ]
    if isinstance(entry.get("rows"), int):
        parts.append(f"{fmt.number(entry['rows'], 'nl', 0, group=True)} rijen, gemarkeerd in de kolom derived")
    if sources:
        parts.append(f"bronnen: {', '.join(map(str, sources))}")
    return "; ".join(parts) + ". De volledige beschrijving (Engels) staat onder 'derived' in de JSON-metadata."


def _items(value: object) -> list[object]:
    if isinstance(value, dict):
        return [f"{k}: {_plain(v, None)}" for k, v in value.items()]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _plain(value: object, lang: str | None) -> str:
    """One line for a manifest entry whose shape the dataset decides (text, or a mapping)."""
    if isinstance(value, dict):
        if lang is not None and isinstance(value.get(lang), str):
            return str(value[lang])
        return "; ".join(f"{k}: {_plain(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v, lang) for v in value)
    return str(value)
