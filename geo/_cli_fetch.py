"""``python -m geo fetch``: download the full official data, verify it and build the dataset.

``python -m geo fetch [--year YEAR] [--mirror URL|FOLDER] [--out DIR] [--cache DIR] [--refresh] [--quiet]``
runs :func:`geo.fetch.fetch`; its ``--help`` is the docstring of :mod:`geo.fetch`. It prints the
build's warnings and every download (URL, size, sha256), and a note when the app reads another
dataset folder than ``--out``. A :class:`~geo.fetch.FetchError` is printed as one ``error: ...``
line, with exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo import fetch as fetch_module
from geo.locate import CACHE_ENV, DATA_ENV, default_cache_dir, fetched_data_dir, resolve_data_dir

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add the ``fetch`` subcommand to ``python -m geo``; its handler is :func:`run`."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "fetch",
        help="download the full official data, verify it and build the dataset",
        description=fetch_module.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    years = ", ".join(map(str, fetch_module.OFFICIAL_SOURCES))
    p.add_argument("--year", type=int, default=2024, help=f"boundary year ({years})")
    p.add_argument("--mirror", default=None, help="base URL or folder serving the same file names (index.xml too)")
    p.add_argument(
        "--out", type=Path, default=None, help=f"dataset folder (default {fetched_data_dir()}: the app uses it)"
    )
    p.add_argument(
        "--cache", type=Path, default=None, help=f"download cache (default ${CACHE_ENV} or {default_cache_dir()})"
    )
    p.add_argument("--refresh", action="store_true", help="download again even when the cache has the files")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``python -m geo fetch``; print ``error: ...`` and return 2 on failure."""
    try:
        result = fetch_module.fetch(
            year=args.year,
            mirror=args.mirror,
            out=args.out,
            cache=args.cache,
            refresh=args.refresh,
            progress=not args.quiet,
        )
    except fetch_module.FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for d in result.downloads:
        print(f"  {d.url}: {d.size:,} bytes, sha256 {d.sha256}")
    print(f"built {result.out} (build {result.build_id}) from {result.staging}")
    choice = resolve_data_dir()
    if choice.path.resolve() != result.out.resolve():
        print(f"note: the app uses the {choice.label}; run it with {DATA_ENV}={result.out} to show this dataset")
    return 0
