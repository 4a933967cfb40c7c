"""``python -m geo gaps``: the gap table of a set or a list of codes as CSV.

``python -m geo gaps (--set NAME | --codes CODES) --from YEAR --to YEAR --out FILE.csv``
with the CSV options of ``geo export`` (``--dutch``, ``--bom``, ``--round N``) and ``--data``.
One row per area, its code included; the summary sentence is printed. ``--lang nl`` (the default)
writes Dutch labels beside the status codes and ``ja``/``nee`` (:func:`geo.gaps.gap_csv`).
"""

from __future__ import annotations

import argparse

from geo._cli import (
    CommandLineError,
    add_csv_options,
    add_data_option,
    check_output_file,
    csv_options,
    data_dir,
    file_path,
    write_files,
)

__all__ = ["add_parser", "run"]


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        msg = f"{text!r} is not a year; pass four digits, e.g. --from 2008"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add the ``gaps`` subcommand to ``python -m geo``; its handler is :func:`run`."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "gaps", help="gap to the city of a set of areas between two years, as CSV"
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--set", dest="set_name", metavar="NAME", help="a shipped set: 40-aandachtswijken or 40plus-wijken"
    )
    which.add_argument("--codes", help="wijk or buurt codes, comma-separated (WK034403,WK051829)")
    p.add_argument("--from", dest="year_a", type=_year, required=True, metavar="YEAR", help="year A, e.g. 2008")
    p.add_argument("--to", dest="year_b", type=_year, required=True, metavar="YEAR", help="year B, e.g. 2018")
    p.add_argument("--measure", default="lbm", help="lbm (default), afw or a dimension")
    p.add_argument(
        "--lang",
        choices=["nl", "en"],
        default="nl",
        help="language of the summary and the CSV's values for people: nl adds status_label (kleiner, groter, "
        "geen gegevens, ...) beside the status codes and writes narrowed as ja/nee (default nl)",
    )
    p.add_argument("--out", type=file_path, required=True, help="output CSV file")
    add_csv_options(p)
    add_data_option(p)
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Write the gap table; return 0, or 2 with ``error: ...`` on a mistake the user can fix."""
    import sys

    try:
        return _run(args)
    except (CommandLineError, ValueError, KeyError) as exc:
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"error: {text}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from geo.dataset import load_dataset
    from geo.gaps import GapTable, gap_csv, gap_table, set_gaps
    from geo.sets.shipped import SHIPPED_SETS, load_set

    check_output_file(args.out, "--out", example=f"gaps-{args.year_a}-{args.year_b}.csv")
    if args.out.suffix.lower() != ".csv":
        msg = f"--out {args.out}: gaps writes a CSV file, but the name ends in {args.out.suffix or '(nothing)'}; "
        msg += f"name it .csv, e.g. --out {args.out.with_suffix('.csv')}"
        raise CommandLineError(msg)
    if args.year_a >= args.year_b:
        msg = f"--from {args.year_a} must be before --to {args.year_b}; swap them"
        raise CommandLineError(msg)
    if args.set_name is not None and args.set_name not in SHIPPED_SETS:
        msg = f"--set {args.set_name!r} is not a shipped set; choose one of {', '.join(SHIPPED_SETS)}"
        raise CommandLineError(msg)
    ds = load_dataset(data_dir(args))
    codes = [c.strip().upper() for c in str(args.codes or "").split(",") if c.strip()]
    if args.set_name is None and not codes:
        msg = "--codes is empty; pass codes separated by commas, e.g. --codes WK034403,WK051829"
        raise CommandLineError(msg)
    missing = [c for c in codes if not ds.has(c)]
    if missing:
        msg = (
            f"--codes: {len(missing)} code(s) are not in the dataset: {', '.join(missing[:10])}; "
            "pass the wijk or buurt codes of the CBS wijk- en buurtkaart, e.g. --codes WK034403,WK051829"
        )
        raise CommandLineError(msg)
    years = ds.years(args.measure)
    for option, year in (("--from", args.year_a), ("--to", args.year_b)):
        if year not in years:
            msg = (
                f"{option} {year}: the dataset has no {args.measure} scores that year; "
                f"choose one of {', '.join(map(str, years))}"
            )
            raise CommandLineError(msg)
    result: GapTable
    try:
        if args.set_name is not None:
            result = set_gaps(ds, load_set(args.set_name, ds), args.year_a, args.year_b, measure=args.measure).areas
        else:
            result = gap_table(ds, codes, args.year_a, args.year_b, measure=args.measure)
    except ValueError as exc:
        msg = f"{exc} (--from/--to/--codes/--measure)"
        raise CommandLineError(msg) from None
    opts = csv_options(args)
    data = gap_csv(result, args.lang, dutch=opts.dutch, bom=opts.bom, decimals=opts.decimals)
    write_files([(args.out, data)])
    print(result.summary(args.lang))
    print(f"wrote {args.out}: {len(result.table)} areas; city reference: {result.reference(args.lang)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``gaps`` on its own (for tests); ``python -m geo gaps`` is the normal entry."""
    parser = argparse.ArgumentParser(prog="python -m geo")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
