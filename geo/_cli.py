"""Shared pieces of the command line: common options, the dataset folder, all-or-nothing writes.

Every subcommand of ``python -m geo`` uses these, so the same option reads and fails the same
way everywhere:

- :func:`add_csv_options` / :func:`csv_options`: ``--dutch``, ``--bom`` and ``--round N``
  (0 to :data:`~geo.export.MAX_DECIMALS`, checked by argparse: exit 2 with a message);
- :func:`add_data_option` / :func:`data_dir`: ``--data``, by default the folder the app uses
  (:func:`geo.locate.resolve_data_dir`: ``LEEFBAARHEID_DATA``, else the fetched dataset, else
  the embedded one);
- :func:`write_files`: write one or more output files all together or not at all, with a
  message that names the path, the option and the fix (never a raw ``[Errno …]`` text);
- :class:`CommandLineError`: a user error; ``main`` prints it as ``error: ...`` and exits 2.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "CommandLineError",
    "CsvOptions",
    "add_csv_options",
    "add_data_option",
    "check_output_file",
    "csv_options",
    "data_dir",
    "decimals_arg",
    "os_error_message",
    "write_files",
]

_MAX_DECIMALS: Final[int] = 15  # geo.export.MAX_DECIMALS; not imported so --help stays fast


class CommandLineError(ValueError):
    """A command-line mistake the user can fix; printed as ``error: <message>`` with exit status 2."""


# -- options -----------------------------------------------------------------------------------
def decimals_arg(text: str) -> int:
    """Parse ``--round``: a whole number from 0 to 15, in ASCII digits.

    Raises
    ------
    argparse.ArgumentTypeError
        Otherwise; argparse prints it with the option's name and exits 2.
    """
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= _MAX_DECIMALS:
        msg = (
            f"{text!r} is not a whole number from 0 to {_MAX_DECIMALS}; pass e.g. --round 4, "
            "or leave --round out for full precision"
        )
        raise argparse.ArgumentTypeError(msg)
    return int(text)


@dataclass(frozen=True)
class CsvOptions:
    """The CSV options of a command: ``--dutch``, ``--bom`` and ``--round``."""

    dutch: bool = False
    bom: bool = False
    decimals: int | None = None


def add_csv_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--dutch``, ``--bom`` and ``--round N`` to a subcommand's parser."""
    parser.add_argument("--dutch", action="store_true", help="CSV for Dutch Excel: ; separator, decimal comma")
    parser.add_argument("--bom", action="store_true", help="start the CSV with a UTF-8 byte-order mark")
    parser.add_argument(
        "--round",
        type=decimals_arg,
        default=None,
        metavar="N",
        help=f"round numbers to N decimals, 0 to {_MAX_DECIMALS} (default: full precision)",
    )


def csv_options(args: argparse.Namespace) -> CsvOptions:
    """Return the CSV options parsed by :func:`add_csv_options`."""
    return CsvOptions(dutch=bool(args.dutch), bom=bool(args.bom), decimals=args.round)


def add_data_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--data DIR``; read it with :func:`data_dir`."""
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="dataset folder (default: $LEEFBAARHEID_DATA when set, else the fetched, else the embedded dataset)",
    )


def data_dir(args: argparse.Namespace) -> Path:
    """Return the dataset folder: ``--data`` when given, else :func:`default_data_dir`."""
    given: Path | None = getattr(args, "data", None)
    return given if given is not None else default_data_dir()


def default_data_dir() -> Path:
    """Return the dataset folder used when ``--data`` is not given, as the app chooses it.

    ``LEEFBAARHEID_DATA`` when set, else the dataset ``python -m geo fetch`` built, else the
    embedded ``data/`` folder (:func:`geo.locate.resolve_data_dir`).
    """
    from geo.locate import resolve_data_dir

    return resolve_data_dir().path


# -- output files ------------------------------------------------------------------------------
def file_path(text: str) -> Path:
    """Read an output file option (argparse ``type``): no empty name, no name that ends in a slash.

    ``Path("out/")`` drops the slash, so ``--out out/`` would write a file named ``out``.

    Raises
    ------
    argparse.ArgumentTypeError
        Naming what is wrong and the fix; argparse prints it with the option and exits with 2.
    """
    if not text.strip():
        msg = "the file name is empty; pass the path of the file to write"
        raise argparse.ArgumentTypeError(msg)
    if text.endswith(("/", os.sep)):
        msg = f"{text!r} ends in a slash, so it names a folder; pass the path of a file in it"
        raise argparse.ArgumentTypeError(msg)
    return Path(text)


def check_output_file(path: Path, option: str, *, example: str | None = None) -> None:
    """Refuse an output path that cannot be a file, before any work is done.

    Parameters
    ----------
    path : Path
        Where the file will be written.
    option : str
        The option that named it, e.g. ``"--out"``; used in the message.
    example : str, optional
        A file name to suggest when ``path`` is a folder.

    Raises
    ------
    CommandLineError
        When ``path`` is a folder or an existing non-regular file (``/dev/full``, a pipe), or its
        folder does not exist or is a file.
    """
    if path.is_dir():
        hint = f", e.g. {option} {path / example}" if example else ""
        msg = f"{option} {path} is a folder; {option} takes a file name{hint}"
        raise CommandLineError(msg)
    if path.exists() and not path.is_file():  # a device, pipe or socket would be replaced by a file
        msg = f"{option} {path} is not a regular file (a device, pipe or socket); pass the path of a file to write"
        raise CommandLineError(msg)
    parent = path.parent
    if not parent.exists():
        msg = (
            f"{option} {path}: the folder {parent} does not exist; create it first (mkdir -p {parent}) "
            f"or pass a path in an existing folder"
        )
        raise CommandLineError(msg)
    if not parent.is_dir():
        msg = f"{option} {path}: {parent} is a file, not a folder; pass a path in a folder"
        raise CommandLineError(msg)


def os_error_message(
    exc: OSError, path: Path, *, option: str | None = None, action: str = "write", note: str = ""
) -> str:
    """Say what went wrong with ``path`` and how to fix it, without the raw ``[Errno …]`` text.

    Parameters
    ----------
    exc : OSError
        The failure.
    path : Path
        The file the user asked for (not a temporary file).
    option : str, optional
        The option that named it, e.g. ``"--out"``.
    action : str, default "write"
        ``"write"`` or ``"read"``.
    note : str, default ""
        Added after the reason, e.g. ``"; nothing was written"``.
    """
    what = f"{option} {path}" if option else str(path)
    other = f"pass another {option}" if option else "choose another path"
    reasons = {
        errno.EACCES: ("permission denied", f"{other} in a folder you may {action}, or fix its permissions"),
        errno.EROFS: ("the file system is read-only", f"{other} on a writable disk"),
        errno.ENOSPC: ("the disk is full", f"free some space, or {other} on another disk"),
        errno.ENOENT: (f"{path.parent} does not exist", f"create it first, or {other}"),
        errno.EISDIR: ("it is a folder", f"{other} that names a file"),
        errno.ENOTDIR: ("a part of the path is a file, not a folder", other),
        errno.ENAMETOOLONG: ("the name is too long", f"{other} with a shorter name"),
    }
    reasons[errno.EPERM] = reasons[errno.EACCES]
    reasons[errno.EDQUOT] = reasons[errno.ENOSPC]
    if action == "read" and exc.errno == errno.ENOENT:
        reasons[errno.ENOENT] = ("it does not exist", f"check the path, or {other}")
    elif exc.errno == errno.ENOENT and path.parent.is_dir():  # /proc: the folder is there, a new file is not
        reasons[errno.ENOENT] = (f"the folder {path.parent} does not accept new files", other)
    default = ((exc.strerror or type(exc).__name__).lower(), f"check the path, or {other}")
    reason, fix = reasons.get(exc.errno or 0, default)
    return f"cannot {action} {what}: {reason}{note}. To fix: {fix}"


def write_files(outputs: Sequence[tuple[Path, bytes]], *, option: str = "--out") -> None:
    """Write files all together or not at all.

    Each file is first written to a hidden temporary file in its target folder; only when every
    one is written are they renamed into place (``os.replace``, atomic per file). On any failure
    the temporary files are removed and existing files are left as they were, so a CSV never
    appears without its sidecar, nor a PDF without its PNG: a file already renamed into place when
    a later one fails is removed again, and the file it replaced put back.

    Parameters
    ----------
    outputs : sequence of (Path, bytes)
        Target paths and their contents.
    option : str, default "--out"
        The option that named the paths, for the message.

    Raises
    ------
    CommandLineError
        Naming the path that could not be written, why, and the fix.
    """
    for path, _ in outputs:
        check_output_file(path, option)
    temps: list[tuple[Path, Path]] = []
    placed: list[tuple[Path, Path | None]] = []  # renamed into place, with the old file's copy if there was one
    current = outputs[0][0] if outputs else Path()
    try:
        for path, data in outputs:
            current = path
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for i, (tmp, path) in enumerate(temps):
            current = path
            old = _keep_old(path) if i < len(temps) - 1 else None  # nothing can fail after the last
            try:
                os.replace(tmp, path)
            except OSError:
                if old is not None:
                    with contextlib.suppress(OSError):
                        old.unlink()
                raise
            placed.append((path, old))
    except OSError as exc:
        _roll_back(placed)
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        msg = os_error_message(exc, current, option=option, note="; nothing was written")
        raise CommandLineError(msg) from None
    for _, old in placed:
        if old is not None:
            with contextlib.suppress(OSError):
                old.unlink()


def _keep_old(path: Path) -> Path | None:
    """Keep the file at ``path`` under a hidden name (a hard link, else a copy); None if there is none.

    So that a later file of the same write that fails can put it back (:func:`_roll_back`).
    """
    if not path.exists():
        return None
    old = path.with_name(f".{path.name}.{secrets.token_hex(4)}.old")
    try:
        os.link(path, old)
    except OSError:
        shutil.copy2(path, old)
    return old


def _roll_back(placed: Sequence[tuple[Path, Path | None]]) -> None:
    """Undo the renames of a write that failed: old files back in place, new ones removed."""
    for path, old in reversed(placed):
        with contextlib.suppress(OSError):
            if old is not None:
                os.replace(old, path)
            else:
                path.unlink(missing_ok=True)
