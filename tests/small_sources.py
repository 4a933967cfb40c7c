"""A small real source folder for fast builds: a few gemeenten cut out of the project's copies.

Rows and features are copied unchanged from ``data/sources`` (CBS gemeenten and wijken 2024,
the Leefbaarometer meting-2024 wijk subset); only the gemeenten asked for are kept, and names
can be replaced (for hostile-name tests).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import GEMEENTEN_2024, WIJK_SCORES_2024, WIJKEN_2024

#: Schiedam and Utrecht: every wijk of both has a 2024 score in the subset.
GEMEENTEN = ("GM0606", "GM0344")


def _cut_geojson(src: Path, dst: Path, key: str, keep: tuple[str, ...], names: dict[str, str], name_keys: list[str]):
    data = json.loads(src.read_text(encoding="utf-8"))
    features = [f for f in data["features"] if f["properties"].get(key) in keep]
    for f in features:
        props = f["properties"]
        gm = props.get("gm_code") or props.get("gemeentecode")
        if gm in names:
            for k in name_keys:
                if k in props:
                    props[k] = names[gm]
    data["features"] = features
    dst.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def write_small_sources(folder: Path, *, gemeenten: tuple[str, ...] = GEMEENTEN, names: dict[str, str] | None = None):
    """Write a source folder with only ``gemeenten``; ``names`` replaces gemeente names by code.

    Returns the folder.
    """
    names = names or {}
    (folder / "cbs").mkdir(parents=True, exist_ok=True)
    (folder / "leefbaarometer").mkdir(parents=True, exist_ok=True)
    _cut_geojson(GEMEENTEN_2024, folder / "cbs" / "gemeenten_2024.geojson", "gm_code", gemeenten, names, ["gm_naam"])
    _cut_geojson(
        WIJKEN_2024, folder / "cbs" / "wijken_2024.geojson", "gemeentecode", gemeenten, names, ["gemeentenaam"]
    )
    wijk_prefixes = tuple("WK" + gm[2:] for gm in gemeenten)
    with WIJK_SCORES_2024.open(encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines(keepends=True)
    kept = [lines[0], *(ln for ln in lines[1:] if ln.startswith(wijk_prefixes))]
    assert len(kept) > 1, "no score rows for these gemeenten"
    (folder / "leefbaarometer" / WIJK_SCORES_2024.name).write_text("".join(kept), encoding="utf-8")
    assert next(csv.reader(kept[:1]))[0] == "wk_code"
    return folder
