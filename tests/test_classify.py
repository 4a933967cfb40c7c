import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.classify import NO_DATA_COLOUR, PALETTE, describe, scale_for

REF = 4.102264851143685


@pytest.mark.parametrize("measure", ["lbm", "afw", "fys", "onv", "soc", "vrz", "won"])
def test_every_measure_has_nine_classes_and_eight_edges(measure):
    s = scale_for(measure, national_reference=REF)
    assert len(s.edges) == 8 and len(s.colours) == 9 == len(s.labels())
    assert list(s.edges) == sorted(s.edges)


def test_lbm_scale_is_the_afw_scale_shifted_by_the_reference():
    lbm, afw = scale_for("lbm", national_reference=REF), scale_for("afw", national_reference=REF)
    assert np.allclose(np.array(lbm.edges) - REF, afw.edges, atol=1e-6)
    assert lbm.colour([REF + 0.2]) == afw.colour([0.2])


def test_centre_class_straddles_the_reference_and_missing_is_grey():
    s = scale_for("afw", national_reference=REF)
    assert s.colour([0.0]) == [PALETTE[4]]
    assert s.colour([np.nan]) == [NO_DATA_COLOUR]
    assert describe(s, None) == "geen gegevens"
    assert describe(s, -1.0, lang="en") == "far below national level"


def test_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="`measure` was 'lbn'"):
        scale_for("lbn", national_reference=REF)


@given(st.floats(-2, 2), st.floats(-2, 2))
def test_a_higher_value_never_gets_a_lower_class(a, b):
    s = scale_for("afw", national_reference=REF)
    lo, hi = sorted([a, b])
    assert s.classify([lo])[0] <= s.classify([hi])[0]


@given(st.floats(-2, 2))
def test_one_class_per_value(v):
    s = scale_for("fys", national_reference=REF)
    assert 0 <= s.classify([v])[0] <= 8


# -- the official classes, read off the published 2024 class values --------------------------
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from geo.classify import OFFICIAL_NAMES, official_class  # noqa: E402

WFS = Path(__file__).resolve().parent.parent / "data" / "sources" / "leefbaarometer" / "wfs-meting-2024"
CLASS_FIELDS = {
    "lbm": "kscore",
    "afw": "kafw",
    "fys": "kfys",
    "onv": "konv",
    "soc": "ksoc",
    "vrz": "kvrz",
    "won": "kwon",
}


def _published_classes():
    """Every (code, measure, value, published class) of the WFS export, read with json only."""
    files = [*sorted((WFS / "buurten").glob("*.geojson")), WFS / "gemeenten.geojson"]
    rows = []
    for f in files:
        for feature in json.loads(f.read_text(encoding="utf-8"))["features"]:
            raw = feature["properties"]["raw"]
            for measure, field in CLASS_FIELDS.items():
                value = float(raw["afw" if measure in ("lbm", "afw") else measure])
                if measure == "lbm":
                    value += REF
                rows.append((feature["properties"]["code"], measure, value, int(raw[field])))
    return rows


def test_every_published_class_value_is_reproduced():
    rows = _published_classes()
    assert len({r[0] for r in rows}) == 12_147 + 342
    wrong = [r for r in rows if official_class(r[1], r[2], national_reference=REF) != r[3]]
    assert not wrong, wrong[:5]
    # every class of the total score occurs, so each cut-off is pinned from both sides
    assert {r[3] for r in rows if r[1] == "lbm"} == set(range(1, 10))


def test_official_lbm_scale_has_the_official_names_worst_to_best():
    s = scale_for("lbm", national_reference=REF, kind="official")
    assert s.class_names(lang="nl") == list(OFFICIAL_NAMES["nl"])
    assert OFFICIAL_NAMES["nl"][3] == "zwak" and OFFICIAL_NAMES["nl"][2] == "onvoldoende"
    assert describe(s, REF + 0.5) == "uitstekend"
    assert describe(s, REF - 0.5, lang="en") == "very insufficient"
    # "ruim voldoende" is "more than sufficient"; "ruim onvoldoende" was "well insufficient"
    assert s.class_names(lang="en")[1] == "clearly insufficient"
    # afw and the dimensions have a class scale but no official names
    assert scale_for("afw", national_reference=REF, kind="official").class_names() is None


def test_official_class_of_a_missing_value_is_none():
    assert official_class("lbm", None, national_reference=REF) is None
    assert official_class("afw", float("nan"), national_reference=REF) is None


def test_unknown_scale_kind_is_refused():
    with pytest.raises(ValueError, match="`kind` was 'offical'"):
        scale_for("lbm", national_reference=REF, kind="offical")
