import pytest

from geo.view import View, default_view, parse_view, view_params


def test_no_parameters_gives_the_default_view(dataset):
    view, notices = parse_view(dataset, {})
    assert notices == []
    assert view == default_view(dataset)
    assert view.gemeente == "GM0363" and view.year == 2024 and view.measure == "lbm"


def test_url_round_trip(dataset):
    view = View(
        gemeente="GM0599", wijk="WK059901", area="WK059901", year=2014, measure="fys", level="wijk", basemap="none"
    )
    again, notices = parse_view(dataset, view_params(view))
    assert notices == []
    assert again == view


def test_a_buurt_selects_its_wijk_and_gemeente(dataset):
    view, notices = parse_view(dataset, {"a": "bu0363aa01", "n": "buurt"})
    assert notices == []
    assert (view.gemeente, view.wijk, view.area, view.level) == ("GM0363", "WK0363AA", "BU0363AA01", "buurt")


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"g": "GM9999"}, "gemeente 'GM9999' bestaat niet"),
        ({"a": "<script>alert(1)</script>"}, "is geen wijk- of buurtcode"),
        ({"a": "WK036300"}, "bestaat niet (meer)"),
        ({"g": "GM0599", "a": "WK0363AA"}, "ligt niet in gemeente"),
        ({"j": "2010"}, "jaar '2010' heeft geen gegevens"),
        ({"m": "fys", "j": "2016"}, "jaar '2016' heeft geen gegevens"),
        ({"m": "DROP TABLE"}, "maat 'DROP?TABLE' bestaat niet"),
        ({"n": "gemeente", "g": "GM0599"}, "niveau 'gemeente' is hier niet beschikbaar"),
        ({"b": "google"}, "achtergrondkaart 'google' bestaat niet"),
        ({"g": "G" * 500}, "te lang"),
    ],
)
def test_bad_parameters_fall_back_with_a_notice(dataset, params, notice):
    view, notices = parse_view(dataset, params)
    assert any(notice in n.nl for n in notices), notices
    # the fallback is always a complete, valid view
    assert dataset.has(view.gemeente) and view.wijk in dataset.children(view.gemeente)
    assert view.year in dataset.years(view.measure)
    assert all("<" not in n.nl + n.en and ">" not in n.nl + n.en for n in notices)


def test_national_overview_from_a_link(dataset):
    from geo.view import NATIONAL

    view, notices = parse_view(dataset, {"g": "NL"})
    assert notices == [] and view.gemeente == NATIONAL and view.national and view.level == "gemeente"
    view, notices = parse_view(dataset, {"g": "nl", "n": "wijk", "j": "2022"})
    assert notices == [] and (view.level, view.year) == ("wijk", 2022)
    _, notices = parse_view(dataset, {"g": "NL", "n": "buurt"})
    assert [(n.nl, n.en) for n in notices] == [
        (
            "niveau 'buurt' is hier niet beschikbaar; gemeenten getoond",
            "level 'buurt' is not available here; municipalities shown",
        )
    ]
    _, notices = parse_view(dataset, {"g": "GM0363", "n": "gemeente"})
    assert [n.nl for n in notices] == ["niveau 'gemeente' is hier niet beschikbaar; wijken getoond"]


def test_drill_down_keeps_the_year_where_the_gemeente_has_data(dataset):
    from geo.view import drill_down

    national, _ = parse_view(dataset, {"g": "NL", "n": "wijk", "j": "2022", "m": "onv"})
    groningen = drill_down(dataset, national, "GM0014")
    assert (groningen.gemeente, groningen.level, groningen.year, groningen.measure) == ("GM0014", "wijk", 2022, "onv")
    assert dataset.value(groningen.area, 2022, "onv") is not None
    # 2024: Groningen has no wijk scores in the embedded data, so the map opens on a year that has
    national_2024, _ = parse_view(dataset, {"g": "NL", "n": "wijk", "j": "2024"})
    opened = drill_down(dataset, national_2024, "GM0014")
    assert dataset.values(dataset.codes(opened.level, gemeente="GM0014"), opened.year, "lbm").notna().any()


def test_default_year_is_the_latest_with_data_for_the_gemeente(dataset):
    utrecht, _ = parse_view(dataset, {"g": "GM0344"})
    groningen, _ = parse_view(dataset, {"g": "GM0014"})
    assert utrecht.year == 2024 and groningen.year == 2022
    den_haag, _ = parse_view(dataset, {"g": "GM0518"})
    assert dataset.value(den_haag.area, den_haag.year, "lbm") is not None  # not Oostduinen without scores


def test_scale_parameter(dataset):
    view, notices = parse_view(dataset, {"k": "fixed"})
    assert notices == [] and view.scale == "fixed"
    view, notices = parse_view(dataset, {"k": "rainbow"})
    assert view.scale == "official" and any("kleurschaal" in n.nl for n in notices)


@pytest.mark.parametrize("year", ["²⁰²²", "２０２２", "٢٠٢٢", "20 22", "9" * 60])
def test_years_are_read_with_ascii_rules(dataset, year):
    view, notices = parse_view(dataset, {"j": year})
    assert notices and view.year in dataset.years("lbm")


def test_the_national_wijk_map_opens_on_a_well_covered_year(dataset):
    from geo.view import national_view

    view, notices = parse_view(dataset, {"g": "NL", "n": "wijk"})
    # 2024 has wijk scores for a few cities only (219 of 3,475 wijken): the map opens on 2022
    assert notices == [] and view.year == 2022
    gemeenten_2024, _ = parse_view(dataset, {"g": "NL"})
    assert gemeenten_2024.year == 2024
    from dataclasses import replace

    assert national_view(dataset, replace(gemeenten_2024, level="wijk")).year == 2022
    # asked for explicitly, 2024 is shown
    assert parse_view(dataset, {"g": "NL", "n": "wijk", "j": "2024"})[0].year == 2024
