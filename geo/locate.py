"""Which dataset folder the app and the command line use, and where downloads are cached.

Order: the folder named by ``LEEFBAARHEID_DATA``; else the dataset that ``python -m geo fetch``
built in the platform's user data folder (when it holds a ``manifest.json``); else the
embedded ``data/`` of the project.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import platformdirs

from geo.dataset import DEFAULT_DATA_DIR

__all__ = [
    "APP_NAME",
    "CACHE_ENV",
    "DATA_ENV",
    "DataChoice",
    "DatasetVintage",
    "dataset_vintage",
    "default_cache_dir",
    "fetched_data_dir",
    "resolve_data_dir",
]

#: Folder name under the platform's user data and cache folders.
APP_NAME: Final[str] = "leefbaarheid"
#: Environment variable naming the dataset folder (wins over everything else).
DATA_ENV: Final[str] = "LEEFBAARHEID_DATA"
#: Environment variable naming the download cache folder of ``python -m geo fetch``.
CACHE_ENV: Final[str] = "LEEFBAARHEID_CACHE"

Kind = Literal["env", "fetched", "embedded"]


@dataclass(frozen=True)
class DataChoice:
    """The dataset folder in use and why.

    Attributes
    ----------
    path : Path
        The dataset folder.
    kind : {"env", "fetched", "embedded"}
        ``env``: named by ``LEEFBAARHEID_DATA``; ``fetched``: built by ``python -m geo fetch``;
        ``embedded``: the project's own ``data/``.
    label : str
        A short English description for captions and logs.
    """

    path: Path
    kind: Kind
    label: str


@dataclass(frozen=True)
class DatasetVintage:
    """What a dataset holds, read from its ``manifest.json`` (empty when it cannot be read).

    Attributes
    ----------
    years : tuple of int
        Measurement years with scores.
    metings : tuple of int
        Leefbaarometer measurements (vintages of the score files).
    boundaries : tuple of int
        Vintages (boundary years) of the area files.
    build_id : str or None
        The build's id.
    """

    years: tuple[int, ...]
    metings: tuple[int, ...]
    boundaries: tuple[int, ...]
    build_id: str | None


def fetched_data_dir() -> Path:
    """Return the folder ``python -m geo fetch`` builds into by default (the user data folder)."""
    return platformdirs.user_data_path(APP_NAME) / "dataset"


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Return the download cache: ``$LEEFBAARHEID_CACHE``, else the platform's user cache folder."""
    env = os.environ if environ is None else environ
    given = env.get(CACHE_ENV, "").strip()
    return Path(given).expanduser() if given else platformdirs.user_cache_path(APP_NAME)


def resolve_data_dir(environ: Mapping[str, str] | None = None) -> DataChoice:
    """Return the dataset folder to use.

    Parameters
    ----------
    environ : mapping, optional
        The environment to read (``os.environ`` by default).

    Returns
    -------
    DataChoice
        ``LEEFBAARHEID_DATA`` when set; else the fetched dataset when its ``manifest.json``
        exists; else the embedded dataset.
    """
    env = os.environ if environ is None else environ
    given = env.get(DATA_ENV, "").strip()
    if given:
        path = Path(given).expanduser()
        return DataChoice(path, "env", f"dataset folder {path} ({DATA_ENV})")
    fetched = fetched_data_dir()
    if (fetched / "manifest.json").is_file():
        return DataChoice(fetched, "fetched", f"full national data in {fetched} (python -m geo fetch)")
    return DataChoice(Path(DEFAULT_DATA_DIR), "embedded", "embedded data (data/)")


def dataset_vintage(path: str | Path) -> DatasetVintage:
    """Read years, measurements and boundary years from a dataset's ``manifest.json``.

    Parameters
    ----------
    path : str or Path
        A dataset folder.

    Returns
    -------
    DatasetVintage
        Empty tuples and no build id when the manifest is missing or unreadable (the
        dataset loader reports that problem; a caption should not).
    """
    try:
        manifest = json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return DatasetVintage((), (), (), None)
    if not isinstance(manifest, dict):
        return DatasetVintage((), (), (), None)
    sources = [s for s in manifest.get("sources", []) if isinstance(s, dict)]

    def ints(values: object) -> tuple[int, ...]:
        items = values if isinstance(values, list) else []
        return tuple(sorted({int(v) for v in items if isinstance(v, int | float) and not isinstance(v, bool)}))

    build_id = manifest.get("build_id")
    return DatasetVintage(
        years=ints(manifest.get("years")),
        metings=ints([s.get("meting") for s in sources]),
        boundaries=ints([s.get("vintage") for s in sources]),
        build_id=build_id if isinstance(build_id, str) else None,
    )
