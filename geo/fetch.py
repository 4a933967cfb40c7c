"""Download the full official data and build the dataset: ``python -m geo fetch``.

Three downloads per boundary year (:data:`OFFICIAL_SOURCES`, the only place the URLs live):

- the Leefbaarometer 3.0 open data (scores per buurt, and per wijk and gemeente when present);
- the Leefbaarometer geometry (``buurt 2024.gpkg`` ...); checked and recorded, not built: the
  CBS wijk- en buurtkaart has the same 2024 buurten and also their inhabitants;
- the CBS wijk- en buurtkaart GeoPackage (layers ``gemeenten``, ``wijken``, ``buurten`` with
  ``aantal_inwoners``), whose current link and length are read from the PDOK Atom index.

Downloads are cached (:func:`geo.locate.default_cache_dir`), verified (zip checksums, the
Atom length), unpacked into a staging source folder with a ``sources.json`` that records each
file's URL, sha256 and size, and built with :func:`geo.build.build` into ``--out``. The build
replaces ``manifest.json`` in one atomic step, so a failure leaves the previous dataset usable.
Every failure is one :class:`FetchError` that names the URL or file and what to do.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from geo import _http
from geo._download import CbsLink, _cbs_link, _Getter, _split_cbs, _under, _unpack
from geo._errors import DataFileError, FetchError, ValidationError
from geo.locate import default_cache_dir, fetched_data_dir

__all__ = [
    "OFFICIAL_SOURCES",
    "CbsLink",
    "FetchError",
    "FetchResult",
    "OfficialSources",
    "fetch",
]


@dataclass(frozen=True)
class OfficialSources:
    """The official download locations for one boundary year.

    Attributes
    ----------
    year : int
        The boundary year (Leefbaarometer meting and CBS wijk- en buurtkaart).
    lbm_scores : str
        The Leefbaarometer open-data zip (scores).
    lbm_geometry : str
        The Leefbaarometer geometry zip.
    cbs_atom : str
        The PDOK Atom index that links the CBS wijk- en buurtkaart GeoPackage.
    """

    year: int
    lbm_scores: str
    lbm_geometry: str
    cbs_atom: str

    def mirrored(self, base: str) -> OfficialSources:
        """Return the same file names under ``base`` (a URL or a local folder)."""
        return replace(
            self,
            lbm_scores=_under(base, self.lbm_scores),
            lbm_geometry=_under(base, self.lbm_geometry),
            cbs_atom=_under(base, self.cbs_atom),
        )


#: The official locations, per boundary year. Public users of each exist in open-source tools.
OFFICIAL_SOURCES: Final[Mapping[int, OfficialSources]] = MappingProxyType(
    {
        2024: OfficialSources(
            year=2024,
            lbm_scores="https://www.leefbaarometer.nl/resources/open-data-leefbaarometer-meting-2024.zip",
            lbm_geometry="https://www.leefbaarometer.nl/resources/geometrie-lbm3-2024.zip",
            cbs_atom="https://service.pdok.nl/cbs/wijkenbuurten/2024/atom/index.xml",
        )
    }
)

#: Inner files of the score archive: (role, pattern on the file name, required).
SCORE_FILES: Final[tuple[tuple[str, str, bool], ...]] = (
    ("buurt scores", "*scores buurten*.csv", True),
    ("wijk scores", "*scores wijken*.csv", False),
    ("gemeente scores", "*scores gemeente*.csv", False),
)
#: Inner files of the geometry archive.
GEOMETRY_FILES: Final[tuple[tuple[str, str, bool], ...]] = (
    ("buurt geometry", "buurt*.gpkg", True),
    ("gemeente geometry", "gemeente*.gpkg", False),
)
#: Layers of the CBS GeoPackage, each staged as its own GeoParquet file.
CBS_LAYERS: Final[tuple[str, ...]] = ("gemeenten", "wijken", "buurten")

_LBM = {
    "publisher": "Ministerie van BZK, Leefbaarometer 3.0 (leefbaarometer.nl, open data)",
    "publisher_en": "Ministry of the Interior (BZK), Leefbaarometer 3.0 (leefbaarometer.nl, open data)",
    "licence": "CC0 1.0",
    "attribution": "Leefbaarometer 3.0, Ministerie van BZK",
}
_CBS = {
    "publisher": "CBS / Kadaster, Wijk- en buurtkaart (via PDOK)",
    "licence": "CC BY 4.0",
    "attribution": "CBS / Kadaster",
}


@dataclass(frozen=True)
class FetchResult:
    """What a fetch did.

    Attributes
    ----------
    out : Path
        The dataset folder built.
    staging : Path
        The source folder built from (it can be rebuilt with ``python -m geo build --from``).
    downloads : tuple of Download
        Every file downloaded or taken from the cache, with URL, size and sha256.
    build_id : str
        The new dataset's build id.
    warnings : tuple of str
        Warnings of the build (files left out, repairs).
    """

    out: Path
    staging: Path
    downloads: tuple[_http.Download, ...]
    build_id: str
    warnings: tuple[str, ...]


def _manual_hint(sources: OfficialSources, out: Path) -> str:
    return (
        "To work around it, download the files by hand in a browser: "
        f"{sources.lbm_scores}, {sources.lbm_geometry} and the GeoPackage linked from {sources.cbs_atom}; "
        "put them in one folder (unchanged) and run `python -m geo fetch --mirror FOLDER` (the same checks, "
        "no network). Or unpack the score CSVs (buurten, wijken, gemeenten) and single-layer area files "
        f"into a folder and run `python -m geo build --from FOLDER --out {out}`"
    )


def fetch(
    *,
    year: int = 2024,
    mirror: str | None = None,
    out: str | Path | None = None,
    cache: str | Path | None = None,
    refresh: bool = False,
    progress: bool = True,
    timeout: tuple[float, float] = _http.DEFAULT_TIMEOUT,
    retries: int = _http.DEFAULT_RETRIES,
    backoff: float = _http.DEFAULT_BACKOFF,
    log: Callable[[str], None] | None = None,
) -> FetchResult:
    """Download the official data of a boundary year, verify it and build the dataset.

    Parameters
    ----------
    year : int, default 2024
        The boundary year; a key of :data:`OFFICIAL_SOURCES`.
    mirror : str, optional
        A base URL (or local folder) that serves the same file names as the official
        locations: the two zips, ``index.xml`` and the GeoPackage it links.
    out : str or Path, optional
        The dataset folder; by default :func:`geo.locate.fetched_data_dir`, the folder the
        app looks in first.
    cache : str or Path, optional
        Download cache; by default ``$LEEFBAARHEID_CACHE`` or the platform's user cache folder.
    refresh : bool, default False
        Download again even when the cache has the file.
    progress : bool, default True
        Show progress bars.
    timeout : (float, float)
        Connect and read timeouts in seconds.
    retries : int
        Retries of a download after a connection error, timeout or server error.
    backoff : float
        Seconds before the first retry, doubled for each next one.
    log : callable, optional
        Receives one line per step (default: print to stderr).

    Returns
    -------
    FetchResult
        The dataset folder, the staging source folder, the downloads and the build id.

    Raises
    ------
    FetchError
        Naming the URL or file, what went wrong, and what to do; the previous dataset in
        ``out`` is left as it was.
    """
    if year not in OFFICIAL_SOURCES:
        known = ", ".join(map(str, sorted(OFFICIAL_SOURCES)))
        msg = f"--year {year}: no official download locations known for that year; choose one of {known}"
        raise FetchError(msg)
    say = log or (lambda line: print(line, file=sys.stderr))
    sources = OFFICIAL_SOURCES[year]
    if mirror:
        sources = sources.mirrored(mirror)
    out_dir = Path(out) if out is not None else fetched_data_dir()
    if out_dir.exists() and not out_dir.is_dir():
        msg = f"--out {out_dir} is a file; --out takes the dataset folder to write"
        raise FetchError(msg)
    cache_dir = Path(cache) if cache is not None else default_cache_dir()
    hint = _manual_hint(sources, out_dir)
    getter = _Getter(cache_dir, refresh=refresh, progress=progress, timeout=timeout, retries=retries, backoff=backoff)

    say(f"downloading Leefbaarometer scores: {sources.lbm_scores}")
    scores_zip = getter.get(sources.lbm_scores, hint=hint)
    say(f"downloading Leefbaarometer geometry: {sources.lbm_geometry}")
    geometry_zip = getter.get(sources.lbm_geometry, hint=hint)
    say(f"reading the CBS download index: {sources.cbs_atom}")
    link = _cbs_link(getter, sources.cbs_atom, mirror=mirror, hint=hint)
    say(f"downloading CBS wijk- en buurtkaart {year}: {link.url}")
    cbs_gpkg = getter.get(link.url, expected_size=link.length, hint=hint)

    staging = cache_dir / f"sources-{year}"
    if out_dir.resolve().is_relative_to(staging.resolve()):
        msg = f"--out {out_dir} lies inside the staging folder {staging}; choose another --out"
        raise FetchError(msg)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    fetched_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    provenance: dict[str, dict[str, Any]] = {}

    def record(download: _http.Download, **extra: Any) -> dict[str, Any]:
        return {
            "url": download.url,
            "download_sha256": download.sha256,
            "download_bytes": download.size,
            "downloaded": fetched_at,
            **extra,
        }

    for rel, member in _unpack(scores_zip, SCORE_FILES, staging, hint=hint).items():
        provenance[rel] = {**_LBM, **record(scores_zip, archive_member=member)}
    for rel, member in _unpack(geometry_zip, GEOMETRY_FILES, staging, hint=hint).items():
        provenance[rel] = {
            **_LBM,
            **record(geometry_zip, archive_member=member),
            "build": False,
            "notes": (
                f"Leefbaarometer geometry, downloaded from {geometry_zip.url} (sha256 {geometry_zip.sha256}, "
                f"{geometry_zip.size} bytes); not built: the CBS wijk- en buurtkaart gives the same {year} "
                "areas with their inhabitants"
            ),
        }
    for rel, layer in _split_cbs(cbs_gpkg, CBS_LAYERS, staging, hint=hint).items():
        index = {"atom_index": sources.cbs_atom, "announced_bytes": link.length}
        if getter.atom is not None:
            index.update(atom_index_sha256=getter.atom.sha256, atom_index_bytes=getter.atom.size)
        provenance[rel] = {**_CBS, **record(cbs_gpkg, layer=layer, **index), "vintage": year}
    (staging / "sources.json").write_text(
        json.dumps({"files": provenance}, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )

    say(f"building the dataset into {out_dir}")
    manifest, caught = _build(staging, out_dir, hint)
    downloads = (
        (scores_zip, geometry_zip, getter.atom, cbs_gpkg) if getter.atom else (scores_zip, geometry_zip, cbs_gpkg)
    )
    return FetchResult(
        out=out_dir,
        staging=staging,
        downloads=tuple(d for d in downloads if d is not None),
        build_id=str(manifest.get("build_id", "")),
        warnings=caught,
    )


def _build(staging: Path, out: Path, hint: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    from geo.build import build

    again = (
        f"The downloaded sources are in {staging}: after fixing them, build with "
        f"`python -m geo build --from {staging} --out {out}`. The previous dataset in {out} is unchanged"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            manifest = build(staging, out)
        except (DataFileError, ValidationError) as exc:
            msg = f"the downloaded files do not build: {exc}\n{again}. {hint}"
            raise FetchError(msg) from exc
        except OSError as exc:
            why = exc.strerror or exc
            msg = f"cannot write the dataset to {out} ({why}); free disk space or pass another --out. {again}"
            raise FetchError(msg) from exc
    return manifest, tuple(str(w.message) for w in caught)
