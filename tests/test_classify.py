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
