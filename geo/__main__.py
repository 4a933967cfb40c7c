"""Command line: ``python -m geo build [--from DIR] [--out DIR]``."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from geo._errors import DataFileError, ValidationError


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
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (DataFileError, ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
