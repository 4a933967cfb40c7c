"""Command line.

``python -m geo build [--from DIR] [--out DIR]``
    Build the dataset from the source files.
``python -m geo export (--codes C,... | --gemeente GM,... | --filter K=V,... | --selection TOKEN) --out FILE``
    Export a selection as CSV (``--dutch``, ``--bom``, ``--layout``, ``--round``), GeoJSON or
    GeoPackage, optionally with a metadata sidecar; the bytes are those of :mod:`geo.export`.
``python -m geo brief --code CODE --year YEAR --out FILE.pdf``
    Render the one-page brief of an area (PDF, and PNG beside it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from geo._errors import DataFileError, ValidationError

if TYPE_CHECKING:
    from geo.dataset import Dataset
    from geo.selection import Selection

Layout = Literal["long", "wide"]


def _build(args: argparse.Namespace) -> int:
    from geo.build import build

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        manifest = build(args.src, args.out)
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    counts = manifest["counts"]
    print(f"built {args.out}: areas {counts['areas']}, score rows {counts['score_rows']}")
    for level, rec in manifest["reconciliation"].items():
        t = rec["totals"]
        print(
            f"  {level}: {t['matched']}/{t['scored']} scored codes joined ({rec['join_rate']:.1%}), "
            f"{rec['name_mismatches']['substantive']} substantive and "
            f"{rec['name_mismatches']['cosmetic']} cosmetic name mismatches"
        )
    print(f"  excluded rows: {counts['excluded_rows']}")
    return 0


def _dataset(args: argparse.Namespace) -> Dataset:
    from geo.dataset import load_dataset

    return load_dataset(args.data)


def _selection(ds: Dataset, args: argparse.Namespace) -> Selection:
    from geo.selection import Selection, decode_selection, parse_filter

    sel = Selection()
    if args.codes:
        sel = sel.add_codes(ds, _split(args.codes))
    elif args.gemeente:
        for gm in _split(args.gemeente):
            sel = sel.add_gemeente(ds, gm)
    elif args.filter:
        sel = sel.add_filter(ds, parse_filter(args.filter))
    else:
        sel = decode_selection(ds, args.selection)
    return sel


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _years(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(y) for y in _split(text)]
    except ValueError:
        msg = f"--years was {text!r}; expected whole years separated by commas, e.g. 2012,2022"
        raise ValueError(msg) from None


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"--export-date was {text!r}; expected YYYY-MM-DD"
        raise ValueError(msg) from None


def sidecar_path(out: Path) -> Path:
    """Return where ``--sidecar`` writes the metadata of ``out``: ``name.metadata.json`` beside it."""
    return out.with_name(out.stem + ".metadata.json")


def _export(args: argparse.Namespace) -> int:
    from geo import export

    try:
        if args.format != "csv":
            given = [flag for flag, on in (("--dutch", args.dutch), ("--bom", args.bom)) if on]
            given += [flag for flag, v in (("--layout", args.layout), ("--round", args.round)) if v is not None]
            if given:
                msg = f"{', '.join(given)}: only for --format csv; geo files hold one feature per area (wide)"
                raise ValueError(msg)
        ds = _dataset(args)
        sel = _selection(ds, args)
        years = _years(args.years)
        layout: Layout = "wide" if args.layout == "wide" else "long"
        meta = export.export_metadata(
            ds,
            sel,
            years=years,
            layout=layout if args.format == "csv" else "wide",
            file_format=args.format,
            export_date=_date(args.export_date),
        )
        if args.format == "csv":
            frame = export.export_table(ds, sel, years=years, layout=layout)
            data = export.to_csv_bytes(frame, dutch=args.dutch, bom=args.bom, decimals=args.round)
        else:
            gdf = export.geo_frame(ds, sel, years=years)
            if args.format == "geojson":
                data = export.to_geojson_bytes(gdf, metadata=meta)
            else:
                data = export.to_gpkg_bytes(gdf, metadata=meta)
        args.out.write_bytes(data)
        print(f"wrote {args.out}: {len(sel)} areas, {len(data):,} bytes")
        if args.sidecar:
            side = sidecar_path(args.out)
            side.write_bytes(export.metadata_json(meta))
            print(f"wrote {side}")
    except (ValueError, KeyError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _brief(args: argparse.Namespace) -> int:
    from geo.brief import render_brief

    try:
        ds = _dataset(args)
        neighbours = _split(args.neighbours) if args.neighbours is not None else None
        pdf, png = render_brief(ds, args.code, args.year, neighbours=neighbours, lang=args.lang)
        png_path = args.out.with_suffix(".png")
        args.out.write_bytes(pdf)
        png_path.write_bytes(png)
        print(f"wrote {args.out} and {png_path}")
    except (ValueError, KeyError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line interface; return the exit code."""
    from geo.build import DEFAULT_SOURCE_DIR
    from geo.dataset import DEFAULT_DATA_DIR

    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the dataset from source files")
    b.add_argument("--from", dest="src", type=Path, default=DEFAULT_SOURCE_DIR, help="source folder")
    b.add_argument("--out", type=Path, default=DEFAULT_DATA_DIR, help="output folder")
    b.set_defaults(func=_build)

    e = sub.add_parser("export", help="export a selection as CSV, GeoJSON or GeoPackage")
    which = e.add_mutually_exclusive_group(required=True)
    which.add_argument("--codes", help="area codes, comma-separated (WK0363AA,BU0363AA01)")
    which.add_argument("--gemeente", help="all wijken of these gemeenten, comma-separated (GM0363)")
    which.add_argument(
        "--filter", help="e.g. measure=afw,op=below,threshold=-0.1,year=2022[,level=wijk,gemeente=GM0363]"
    )
    which.add_argument("--selection", help="a selection token from a shared link")
    e.add_argument("--format", choices=["csv", "geojson", "gpkg"], default="csv")
    e.add_argument("--dutch", action="store_true", help="CSV for Dutch Excel: ; separator, decimal comma")
    e.add_argument("--bom", action="store_true", help="start the CSV with a UTF-8 byte-order mark")
    e.add_argument("--layout", choices=["long", "wide"], default=None, help="CSV layout (default long)")
    e.add_argument("--round", type=int, default=None, metavar="N", help="round numbers to N decimals")
    e.add_argument("--years", default=None, help="measurement years, comma-separated (default: all with data)")
    e.add_argument("--out", type=Path, required=True, help="output file")
    e.add_argument("--sidecar", action="store_true", help="also write NAME.metadata.json beside the output")
    e.add_argument("--export-date", default=None, help="date recorded in the metadata, YYYY-MM-DD (default today)")
    e.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="dataset folder")
    e.set_defaults(func=_export)

    r = sub.add_parser("brief", help="one-page brief of an area (PDF and PNG)")
    r.add_argument("--code", required=True, help="wijk or buurt code, e.g. WK0363AA")
    r.add_argument("--year", type=int, required=True, help="measurement year")
    r.add_argument("--out", type=Path, required=True, help="PDF file; the PNG is written beside it")
    r.add_argument("--lang", choices=["nl", "en"], default="nl")
    r.add_argument("--neighbours", default=None, help="areas to draw around it (default: its neighbours)")
    r.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="dataset folder")
    r.set_defaults(func=_brief)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (DataFileError, ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
