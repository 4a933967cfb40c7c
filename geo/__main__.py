"""Command line.

``python -m geo build [--from DIR] [--out DIR]``
    Build the dataset from the source files.
``python -m geo export (--codes C,... | --gemeente GM,... | --filter K=V,... | --selection TOKEN) --out FILE``
    Export a selection as CSV (``--dutch``, ``--bom``, ``--layout``, ``--round``), GeoJSON or
    GeoPackage, optionally with a metadata sidecar; the bytes are those of :mod:`geo.export`.
``python -m geo brief --code CODE --year YEAR --out FILE.pdf [--measure M --gap-from Y --gap-to Y]``
    Render the one-page brief of an area (PDF, and PNG beside it); its gap section on a measure and period.
``python -m geo gaps (--set NAME | --codes C,...) --from YEAR --to YEAR --out FILE.csv``
    The gap to the city of a set of areas between two years, as CSV (see :mod:`geo._cli_gaps`).
``python -m geo fetch [--year YEAR] [--mirror URL] [--out DIR] [--cache DIR]``
    Download the full official data, verify it and build the dataset (see :mod:`geo._cli_fetch`).

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
from typing import TYPE_CHECKING, Any, Final, Literal

from geo import _cli_fetch, _cli_gaps
from geo._cli import (
    CommandLineError,
    add_csv_options,
    add_data_option,
    check_output_file,
    csv_options,
    data_dir,
    file_path,
    os_error_message,
    write_files,
)
from geo.schema import MEASURES

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
    line = agreement_line(manifest)
    if line is not None:
        print(f"  {line}")
    return 0


def agreement_line(manifest: dict[str, Any]) -> str | None:
    """Say in one line how far the score files and the WFS export agree where both give a score.

    From ``manifest["precedence"]["scores"]`` (per level: ``compared`` rows, the largest absolute
    difference per measure, and the rule); None when the manifest has no such section.

    Examples
    --------
    >>> agreement_line({"precedence": {"scores": {"buurt": {"compared": 441,
    ...     "max_abs_difference": {"lbm": 5.04e-07, "vrz": 5.18e-07}, "rule": "the score file wins"}}}})
    'CSV/WFS agreement: buurt 441 scores in both, largest difference 5.2e-07 (vrz); the score file wins'
    """
    section = manifest.get("precedence", {}).get("scores")
    if not isinstance(section, dict) or not section:
        return None
    parts, rules = [], []
    for level, rec in section.items():
        diffs = {m: float(v) for m, v in rec.get("max_abs_difference", {}).items() if v is not None}
        text = f"{level} {rec.get('compared', 0)} scores in both"
        if diffs:
            worst = max(diffs, key=lambda m: diffs[m])
            text += f", largest difference {diffs[worst]:.1e} ({worst})"
        parts.append(text)
        if rec.get("rule"):
            rules.append(str(rec["rule"]))
    return "CSV/WFS agreement: " + "; ".join(parts) + "".join(f"; {r}" for r in dict.fromkeys(rules))


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


#: The options that choose what ``export`` writes, each with an example value for its messages.
_SELECTION_EXAMPLES: Final[dict[str, str]] = {
    "codes": "WK0363AA,BU0363AA01",
    "gemeente": "GM0363,GM0014",
    "filter": "measure=afw,op=below,threshold=-0.1,year=2022",
    "selection": "<the s= value of a shared link>",
}


def _selection(ds: Dataset, args: argparse.Namespace) -> Selection:
    """Build the selection of ``export``; a failure names the option and its value."""
    from geo.selection import Selection, decode_selection, parse_filter

    # argparse requires exactly one of them
    option, value = next((f"--{k}", v) for k in _SELECTION_EXAMPLES if (v := getattr(args, k)) is not None)
    example = _SELECTION_EXAMPLES[option[2:]]
    if not value.strip():
        raise CommandLineError(f"{option} is empty; pass what to export, e.g. {option} {example}")
    if option in ("--codes", "--gemeente") and not _split(value):
        msg = f"{option} {value!r} names no area; pass codes separated by commas, e.g. {option} {example}"
        raise CommandLineError(msg)
    try:
        sel = Selection()
        if option == "--codes":
            sel = sel.add_codes(ds, _split(value))
        elif option == "--gemeente":
            for gm in _split(value):
                sel = sel.add_gemeente(ds, gm)
        elif option == "--filter":
            sel = sel.add_filter(ds, parse_filter(value))
        else:
            sel = decode_selection(ds, value)
    except (ValueError, KeyError) as exc:
        raise CommandLineError(f"{option} {value}: {_message(exc)}") from None
    if not len(sel):
        msg = (
            f"{option} {value}: no area matches, so there is nothing to export; loosen the filter "
            "(another threshold, year or gemeente) or choose areas with --codes or --gemeente"
        )
        raise CommandLineError(msg)
    return sel


def _check_years(ds: Dataset, years: list[int] | None) -> None:
    available = ds.years()
    unknown = [y for y in years or [] if y not in available]
    if unknown or years == []:
        msg = (
            f"--years {','.join(map(str, years or []))}: the dataset has scores in {', '.join(map(str, available))}; "
            "pass some of those, or leave --years out for every year with data"
        )
        raise CommandLineError(msg)


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


#: The file name endings of each export format: ``--out`` may not end in another format's ending.
_SUFFIXES: dict[str, tuple[str, ...]] = {"csv": (".csv", ".txt"), "geojson": (".geojson", ".json"), "gpkg": (".gpkg",)}


def _check_suffix(out: Path, fmt: str) -> None:
    """Refuse ``--out x.csv`` with ``--format geojson``: the file would hold another format than its name says."""
    suffix = out.suffix.lower()
    owner = next((f for f, endings in _SUFFIXES.items() if suffix in endings), fmt)
    if owner != fmt:
        msg = (
            f"--out {out}: --format {fmt} writes a {fmt} file, but the name ends in {out.suffix}; pass --format "
            f"{owner}, or name the file {_SUFFIXES[fmt][0]} (e.g. --out {out.with_suffix(_SUFFIXES[fmt][0])})"
        )
        raise CommandLineError(msg)


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
    _check_suffix(args.out, args.format)
    if args.sidecar:
        check_output_file(sidecar_path(args.out), "--out")
    ds = _dataset(args)
    _check_years(ds, years)
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
    if (args.gap_from is None) != (args.gap_to is None):
        msg = (
            "brief --gap-from/--gap-to: give both years of the gap period or neither, "
            f"e.g. --gap-from 2012 --gap-to {args.year}"
        )
        raise CommandLineError(msg)
    period = (args.gap_from, args.gap_to) if args.gap_from is not None else None
    if period is not None and ds.has(args.code):
        from geo.city_gap import gap_period_problem

        problem = gap_period_problem(ds, args.code, period, args.measure)
        if problem is not None:
            msg = f"brief --gap-from {period[0]} --gap-to {period[1]}: {problem}, the earlier as --gap-from"
            raise CommandLineError(msg)
    try:
        pdf, png = render_brief(
            ds, args.code, args.year, neighbours=neighbours, lang=args.lang, measure=args.measure, period=period
        )
    except (ValueError, KeyError) as exc:
        raise CommandLineError(f"brief --code {args.code} --year {args.year}: {_message(exc)}") from None
    write_files([(args.out, pdf), (png_path, png)])
    print(f"wrote {args.out} and {png_path}")
    return 0


def _shown(path: Path) -> str:
    """Show a default path as the user would type it: relative to the working folder when inside it."""
    try:
        return f"{path.resolve().relative_to(Path.cwd())}/"
    except ValueError:
        return str(path)


def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    if isinstance(exc, OSError):
        path = Path(exc.filename) if exc.filename else Path("the file")
        return os_error_message(exc, path, action="read" if exc.errno == errno.ENOENT else "access")
    return str(exc)


#: ``python -m geo --help``: plain text (the module docstring is reST for the API docs).
_DESCRIPTION = """\
Leefbaarometer scores on CBS wijken and buurten, from the command line.
Run `python -m geo COMMAND --help` for the options of one command.
"""

_EPILOG = """\
Without --data, export, brief and gaps read the dataset folder the app uses: $LEEFBAARHEID_DATA
when set, else the dataset `python -m geo fetch` built, else the embedded one (data/).
Every failure prints `error: ...`, naming the file or option and the fix, and exits with status 2;
output files appear all together or not at all.

examples:
  python -m geo export --gemeente GM0363 --dutch --bom --layout wide --out amsterdam.csv --sidecar
  python -m geo export --filter measure=afw,op=below,threshold=-0.1,year=2022 --format gpkg --out zwak.gpkg
  python -m geo brief --code WK0363AA --year 2022 --out brief.pdf
"""

_EXPORT_EPILOG = """\
Choose the areas with exactly one of:
  --codes WK0363AA,BU0363AA01     these areas (wijk, buurt or gemeente codes)
  --gemeente GM0363,GM0014        all wijken of these gemeenten
  --filter SPEC                   the areas that pass a filter; SPEC is key=value pairs:
                                  measure=afw,op=below,threshold=-0.1,year=2022
                                  op: below, above, declined, improved (these two with
                                  year_from=2012,year_to=2022 instead of year); optional
                                  level=wijk|buurt|gemeente (default wijk), gemeente=GM0363
  --selection TOKEN               the s= value of a shared link of the app

The CSV has one row per area and year (--layout long) or per area (--layout wide); every file
carries the scores, the city and national references, the gap, the rank in the gemeente on every
measure (rank_<measure>, rank_of_<measure>) and the exclusion flags. --sidecar writes the metadata
(sources, licences, dataset version, criteria) as NAME.metadata.json beside --out.
"""


def main(argv: list[str] | None = None) -> int:
    """Run the command line interface; return the exit code."""
    from geo.build import DEFAULT_SOURCE_DIR
    from geo.dataset import DEFAULT_DATA_DIR

    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="python -m geo", description=_DESCRIPTION, epilog=_EPILOG, formatter_class=raw
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = sub.add_parser(
        "build",
        help="build the dataset from the source files",
        description="Build the dataset (areas, scores, manifest.json) from a folder of Leefbaarometer and CBS "
        "files, and print how the scores joined the areas and how far the score files and the WFS export agree.",
    )
    b.add_argument(
        "--from",
        dest="src",
        type=Path,
        default=DEFAULT_SOURCE_DIR,
        metavar="DIR",
        help=f"source folder (default {_shown(DEFAULT_SOURCE_DIR)})",
    )
    b.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_DATA_DIR,
        metavar="DIR",
        help=f"dataset folder to write, not inside --from (default {_shown(DEFAULT_DATA_DIR)})",
    )
    b.set_defaults(func=_build)

    e = sub.add_parser(
        "export",
        help="export a selection as CSV, GeoJSON or GeoPackage",
        description="Export a selection of areas: the same bytes and metadata as the app's download buttons.",
        epilog=_EXPORT_EPILOG,
        formatter_class=raw,
    )
    which = e.add_mutually_exclusive_group(required=True)
    which.add_argument("--codes", metavar="CODES", help="area codes, comma-separated")
    which.add_argument("--gemeente", metavar="GM,...", help="all wijken of these gemeenten, comma-separated")
    which.add_argument("--filter", metavar="SPEC", help="areas that pass a filter (see below)")
    which.add_argument("--selection", metavar="TOKEN", help="a selection token from a shared link")
    e.add_argument("--format", choices=["csv", "geojson", "gpkg"], default="csv", help="file format (default csv)")
    add_csv_options(e)
    e.add_argument("--layout", choices=["long", "wide"], default=None, help="CSV layout (default long)")
    e.add_argument(
        "--years", default=None, metavar="Y,...", help="measurement years, comma-separated (default: all with data)"
    )
    e.add_argument("--out", type=file_path, required=True, metavar="FILE", help="output file")
    e.add_argument("--sidecar", action="store_true", help="also write FILE's metadata as NAME.metadata.json beside it")
    e.add_argument(
        "--export-date", default=None, metavar="YYYY-MM-DD", help="date recorded in the metadata (default today)"
    )
    add_data_option(e)
    e.set_defaults(func=_export)

    r = sub.add_parser(
        "brief",
        help="one-page brief of an area (PDF and PNG)",
        description="Render the one-page meeting brief of an area in a year: map, trend, summary and sources.",
    )
    r.add_argument("--code", required=True, help="wijk or buurt code, e.g. WK0363AA")
    r.add_argument("--year", type=int, required=True, help="measurement year, e.g. 2022")
    r.add_argument(
        "--out", type=file_path, required=True, metavar="FILE.pdf", help="PDF file; the PNG is written beside it"
    )
    r.add_argument("--lang", choices=["nl", "en"], default="nl", help="language of the brief (default nl)")
    r.add_argument(
        "--neighbours", default=None, metavar="CODES", help="areas to draw around it (default: its neighbours)"
    )
    r.add_argument(
        "--measure",
        choices=list(MEASURES),
        default="lbm",
        help="measure of the gap sentence and gap chart, as on the Trends page (default lbm; map, trend and "
        "summary stay on lbm)",
    )
    r.add_argument("--gap-from", type=int, default=None, metavar="YEAR", help="first year of the gap sentence")
    r.add_argument(
        "--gap-to",
        type=int,
        default=None,
        metavar="YEAR",
        help="last year of the gap sentence (default: 2012 to --year)",
    )
    add_data_option(r)
    r.set_defaults(func=_brief)

    _cli_gaps.add_parser(sub)
    _cli_fetch.add_parser(sub)  # exits 2 with one message itself
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (ValueError, KeyError, OSError) as exc:  # DataFileError, ValidationError, CommandLineError too
        print(f"error: {_message(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
