"""Command line.

``python -m geo build [--from DIR] [--out DIR]``
    Build the dataset from the source files.
``python -m geo export (--codes C,... | --gemeente GM,... | --filter K=V,... | --selection TOKEN) --out FILE``
    Export a selection as CSV (``--dutch``, ``--bom``, ``--layout``, ``--round``), GeoJSON or
    GeoPackage, optionally with a metadata sidecar; the bytes are those of :mod:`geo.export`.
``python -m geo brief --code CODE --year YEAR --out FILE.pdf``
    Render the one-page brief of an area (PDF, and PNG beside it).
``python -m geo gaps (--set NAME | --codes C,...) --from YEAR --to YEAR --out FILE.csv``
    The gap to the city of a set of areas between two years, as CSV (see :mod:`geo._cli_gaps`).
``python -m geo fetch [--year YEAR] [--mirror URL] [--out DIR] [--cache DIR]``
    Download the full official data, verify it and build the dataset (see :mod:`geo.fetch`).

Without ``--data`` the dataset folder is the app's: ``$LEEFBAARHEID_DATA`` when set, else the
dataset ``python -m geo fetch`` built, else the embedded one (:mod:`geo.locate`).
Every failure prints ``error: ...`` (naming the file or option and the fix) and exits 2;
output files appear all together or not at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from geo import _cli_gaps, fetch
from geo._cli import (
    CommandLineError,
    add_csv_options,
    add_data_option,
    check_output_file,
    csv_options,
    data_dir,
    os_error_message,
    write_files,
)

if TYPE_CHECKING:
    from geo.dataset import Dataset
    from geo.selection import Selection

Layout = Literal["long", "wide"]


def _build(args: argparse.Namespace) -> int:
    from geo.build import build

    _check_build_folders(args.src, args.out)
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


def _check_build_folders(src: Path, out: Path) -> None:
    if out.exists() and not out.is_dir():
        msg = f"build --out {out} is a file; --out takes the dataset folder to write (default data/)"
        raise CommandLineError(msg)
    src_abs, out_abs = src.resolve(), out.resolve()
    if out_abs == src_abs or out_abs.is_relative_to(src_abs):
        msg = (
            f"build --out {out} is inside --from {src}: the next build would read the dataset as a source. "
            f"Pass an --out folder outside {src} (the default is data/)"
        )
        raise CommandLineError(msg)


def _dataset(args: argparse.Namespace) -> Dataset:
    from geo.dataset import load_dataset

    return load_dataset(data_dir(args))


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

    if args.format != "csv":
        given = [flag for flag, on in (("--dutch", args.dutch), ("--bom", args.bom)) if on]
        given += [flag for flag, v in (("--layout", args.layout), ("--round", args.round)) if v is not None]
        if given:
            msg = f"{', '.join(given)}: only for --format csv; geo files hold one feature per area (wide)"
            raise CommandLineError(msg)
    csv = csv_options(args)
    years = _years(args.years)
    options = export.ExportOptions(
        layout="wide" if args.layout == "wide" else "long",
        dutch=csv.dutch,
        bom=csv.bom,
        decimals=csv.decimals,
        formats=(args.format,),
        years=None if years is None else tuple(years),
        export_date=_date(args.export_date),
    )
    name = export.file_names(options)[args.format]
    check_output_file(args.out, "--out", example=name)
    if args.sidecar:
        check_output_file(sidecar_path(args.out), "--out")
    ds = _dataset(args)
    files = export.export_files(ds, _selection(ds, args), options)
    data = files.data(args.format)
    outputs = [(args.out, data)]
    if args.sidecar:
        outputs.append((sidecar_path(args.out), files.sidecar(args.format)))
    write_files(outputs)
    print(f"wrote {args.out}: {files.n_areas} areas, {len(data):,} bytes")
    if args.sidecar:
        print(f"wrote {sidecar_path(args.out)}")
    return 0


def _brief(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".pdf":
        msg = (
            f"brief --out {args.out}: the brief is a PDF with a PNG of the same name beside it, so --out must "
            f"end in .pdf, e.g. --out {args.out.with_suffix('.pdf')}"
        )
        raise CommandLineError(msg)
    png_path = args.out.with_suffix(".png")
    check_output_file(args.out, "--out", example=f"brief-{args.code}-{args.year}.pdf")
    check_output_file(png_path, "--out")
    ds = _dataset(args)
    from geo.brief import render_brief  # after the cheap checks: matplotlib takes a while to import

    neighbours = _split(args.neighbours) if args.neighbours is not None else None
    pdf, png = render_brief(ds, args.code, args.year, neighbours=neighbours, lang=args.lang)
    write_files([(args.out, pdf), (png_path, png)])
    print(f"wrote {args.out} and {png_path}")
    return 0


def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    if isinstance(exc, OSError):
        path = Path(exc.filename) if exc.filename else Path("the file")
        return os_error_message(exc, path, action="read" if exc.errno == errno.ENOENT else "access")
    return str(exc)


def main(argv: list[str] | None = None) -> int:
    """Run the command line interface; return the exit code."""
    from geo.build import DEFAULT_SOURCE_DIR
    from geo.dataset import DEFAULT_DATA_DIR

    parser = argparse.ArgumentParser(
        prog="python -m geo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the dataset from source files")
    b.add_argument("--from", dest="src", type=Path, default=DEFAULT_SOURCE_DIR, help="source folder")
    b.add_argument("--out", type=Path, default=DEFAULT_DATA_DIR, help="output folder (not inside --from)")
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
    add_csv_options(e)
    e.add_argument("--layout", choices=["long", "wide"], default=None, help="CSV layout (default long)")
    e.add_argument("--years", default=None, help="measurement years, comma-separated (default: all with data)")
    e.add_argument("--out", type=Path, required=True, help="output file")
    e.add_argument("--sidecar", action="store_true", help="also write NAME.metadata.json beside the output")
    e.add_argument("--export-date", default=None, help="date recorded in the metadata, YYYY-MM-DD (default today)")
    add_data_option(e)
    e.set_defaults(func=_export)

    r = sub.add_parser("brief", help="one-page brief of an area (PDF and PNG)")
    r.add_argument("--code", required=True, help="wijk or buurt code, e.g. WK0363AA")
    r.add_argument("--year", type=int, required=True, help="measurement year")
    r.add_argument("--out", type=Path, required=True, help="PDF file; the PNG is written beside it")
    r.add_argument("--lang", choices=["nl", "en"], default="nl")
    r.add_argument("--neighbours", default=None, help="areas to draw around it (default: its neighbours)")
    add_data_option(r)
    r.set_defaults(func=_brief)

    _cli_gaps.add_parser(sub)
    fetch.add_parser(sub)  # python -m geo fetch: geo/fetch.py (exits 2 with one message itself)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (ValueError, KeyError, OSError) as exc:  # DataFileError, ValidationError, CommandLineError too
        print(f"error: {_message(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
