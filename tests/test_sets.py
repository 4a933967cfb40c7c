"""Area sets: the shipped programme sets resolve with a report; user sets; sharing; CSV."""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from geo import explain, sets
from geo.selection import decode_selection
from tests.conftest import ROOT, SOURCES

PROGRAMMES = SOURCES / "programmes"
WFS_BUURTEN = SOURCES / "leefbaarometer" / "wfs-meting-2024" / "buurten"


@pytest.fixture(scope="module")
def shipped(dataset):
    return {slug: sets.load_set(slug, dataset) for slug in sets.SHIPPED_SETS}


# -- the source copies -------------------------------------------------------------------------
def test_programme_sources_are_copied_with_their_readme():
    aandacht = list(csv.DictReader((PROGRAMMES / "40-aandachtswijken.csv").open(encoding="utf-8")))
    plus = list(csv.DictReader((PROGRAMMES / "40plus-wijken.csv").open(encoding="utf-8")))
    assert len(aandacht) == 40 and len({r["as_published"] for r in aandacht}) == 40
    assert len(plus) == 37 and sorted({r["tranche"] for r in plus}) == ["1", "2"]
    assert "PC4" in (PROGRAMMES / "README.md").read_text(encoding="utf-8")


# -- the reviewed resolution -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("slug", "counts", "n_members"),
    [
        ("40-aandachtswijken", {"exact": 10, "fuzzy": 5, "multiple": 10, "approximate": 15, "not_found": 0}, 82),
        ("40plus-wijken", {"exact": 11, "fuzzy": 2, "multiple": 3, "approximate": 18, "not_found": 3}, 39),
    ],
)
def test_shipped_sets_resolve_with_pinned_counts(shipped, slug, counts, n_members):
    aset = shipped[slug]
    assert aset.resolution is not None
    assert aset.resolution.counts() == counts
    assert sum(counts.values()) == len(aset.resolution.entries)
    assert len(aset.members) == n_members
    assert aset.caveat  # the set-level caveat (PC4 definition / own boundaries) is always there


def test_every_non_exact_row_has_a_reason_and_every_fuzzy_a_score(shipped):
    for aset in shipped.values():
        frame = aset.resolution.frame()
        assert (frame.loc[frame["category"] != "exact", "reason"].str.len() > 10).all()
        fuzzy = frame[frame["category"] == "fuzzy"]
        assert fuzzy["score"].notna().all() and (fuzzy["score"].astype(float) >= 0.5).all()
        not_found = frame[frame["category"] == "not_found"]
        assert not_found["code"].isna().all()


# Checked by hand against the CBS wijk/buurt names and the map (see the closing note).
HAND_CHECKED = [
    ("40-aandachtswijken", "Utrecht Overvecht", "exact", {"WK034403"}),
    ("40-aandachtswijken", "Den Haag Schilderswijk", "fuzzy", {"WK051829"}),
    ("40-aandachtswijken", "Rotterdam Overschie", "exact", {"WK059904"}),
    ("40-aandachtswijken", "Zaanstad Poelenburg", "exact", {"WK047912"}),
    ("40-aandachtswijken", "Amsterdam Bos en Lommer", "multiple", {"WK0363EA", "WK0363ED", "WK0363EE", "WK0363EF"}),
    ("40-aandachtswijken", "Utrecht Kanaleneiland", "approximate", {"WK034408"}),
    ("40-aandachtswijken", "Arnhem Presikhaaf", "multiple", {"WK020204", "WK020205"}),
    ("40-aandachtswijken", "Leeuwarden Heechterp/Schieringen", "exact", {"WK008050"}),
    ("40-aandachtswijken", "Rotterdam Zuidelijke Tuinsteden", "approximate", {"WK059915"}),
    ("40plus-wijken", "Hoogezand-Sappemeer Gorecht-West", "approximate", {"WK195202"}),
    ("40plus-wijken", "Delfzijl Noord", "exact", {"WK197906"}),
    ("40plus-wijken", "Den Bosch Boschveld", "approximate", {"WK079611"}),
    ("40plus-wijken", "Leerdam West", "exact", {"WK196124"}),
    ("40plus-wijken", "Sittard-Geleen TAS", "not_found", set()),
]


@pytest.mark.parametrize(("slug", "entry", "category", "codes"), HAND_CHECKED, ids=[e for _, e, _, _ in HAND_CHECKED])
def test_entries_checked_by_hand(shipped, slug, entry, category, codes):
    res = shipped[slug].resolution
    assert res.category_of(entry) == category
    assert set(res.codes_of(entry)) == codes


def test_merged_and_renamed_gemeenten_are_resolved(shipped, dataset):
    frame = pd.concat([a.resolution.frame() for a in shipped.values()])
    by_written = {
        "Den Haag": "GM0518",
        "Den Bosch": "GM0796",
        "Hoogezand-Sappemeer": "GM1952",
        "Delfzijl": "GM1979",
        "Leerdam": "GM1961",
    }
    for written, gm in by_written.items():
        codes = frame.loc[(frame["gemeente"] == written) & frame["code"].notna(), "code"]
        assert len(codes) and {dataset.area(c)["gemeente_code"] for c in codes} == {gm}, written
        assert dataset.has(gm)


def _wfs_buurten() -> dict[str, str]:
    names = {}
    for path in sorted(WFS_BUURTEN.glob("*.geojson")):
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            names[f["properties"]["code"]] = f["properties"]["naam"]
    return names


def test_buurten_named_in_reasons_exist_and_lie_in_the_member_wijk(shipped):
    """Independent check of the buurt-based decisions against the published buurt file."""
    buurten = _wfs_buurten()
    checked = 0
    for aset in shipped.values():
        res = aset.resolution
        for entry in res.entries:
            reason = next(m.reason for m in res.matches if m.entry == entry)
            for code in re.findall(r"BU\d{8}", reason):
                assert code in buurten, (entry, code)
                assert any(code[2:8] == w[2:8] for w in res.codes_of(entry)), (entry, code)
                checked += 1
    assert checked >= 20


def test_rerunning_the_resolver_gives_the_reviewed_file(dataset, shipped):
    for slug, aset in shipped.items():
        again = sets.shipped_resolution(dataset, slug)
        for entry in aset.resolution.entries:
            assert again.codes_of(entry) == aset.resolution.codes_of(entry), entry
            assert again.category_of(entry) == aset.resolution.category_of(entry), entry


def test_entries_without_a_hand_decision_are_what_the_resolver_finds(dataset, shipped):
    for slug, aset in shipped.items():
        auto = sets.resolve_names(dataset, sets.load_entries(slug))
        hand = sets.HAND_DECISIONS[slug]
        for entry in aset.resolution.entries:
            if entry not in hand:
                assert auto.codes_of(entry) == aset.resolution.codes_of(entry), entry
                assert auto.category_of(entry) == aset.resolution.category_of(entry), entry
        decided = {m.entry for m in aset.resolution.matches if m.decided == "hand"}
        assert decided == set(hand)


def test_the_decisions_file_reproduces_the_reviewed_sets(dataset, tmp_path):
    """The decisions moved from Python to data/sources/programmes/reviewed-decisions.csv: re-running
    the resolver with them writes data/sets/<slug>.csv byte for byte (those files were written
    from the decisions as Python code and reviewed)."""
    assert sets.DECISIONS_FILE == PROGRAMMES / "reviewed-decisions.csv"
    for slug, spec in sets.SHIPPED_SETS.items():
        again = tmp_path / spec.file
        sets.write_reviewed(sets.shipped_resolution(dataset, slug), again)
        assert again.read_bytes() == (ROOT / "data" / "sets" / spec.file).read_bytes(), slug


def test_a_damaged_decisions_file_names_every_bad_row_and_the_fix(tmp_path):
    path = tmp_path / "reviewed-decisions.csv"
    path.write_text(
        "set,entry,codes,category,reason\n"
        "40-aandachtswijken,Utrecht Ondiep,WK034402,approximate,buurt Ondiep of wijk Noordwest\n"
        "41-wijken,Utrecht Ondiep,WK034402,approximate,x\n"
        "40-aandachtswijken,Utrecht Nergenshuizen,WK034402,approximate,x\n"
        "40-aandachtswijken,Utrecht Ondiep,WK034402,approximate,twice\n"
        "40-aandachtswijken,Utrecht Overvecht,XX034403,guess,\n"
        "40plus-wijken,Veenendaal JES,WK034402,not_found,no name\n"
        "40plus-wijken,Gouda Oost,WK051306,approximate,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError) as info:
        sets.read_decisions(path)
    message = str(info.value)
    assert message.startswith(f"{path}: 7 problem(s): ")
    for expected in [
        "row 3: set '41-wijken' is not a shipped set; use one of 40-aandachtswijken, 40plus-wijken",
        "row 4: entry 'Utrecht Nergenshuizen' is not in the programme list of 40-aandachtswijken",
        "row 5: entry 'Utrecht Ondiep' of 40-aandachtswijken is decided twice (also row 2); keep one",
        "row 6: code 'XX034403' is not a CBS code",
        "row 6: category 'guess' is not one of exact, fuzzy",
        "row 7: 'not_found' goes with no codes",
        "row 8: a approximate decision needs a reason",
        "fix the file: one row per decided entry",
    ]:
        assert expected in message
    assert "row 2:" not in message  # the good row is not a problem


def test_a_decisions_file_without_a_column_is_refused(tmp_path):
    path = tmp_path / "reviewed-decisions.csv"
    path.write_text("set,entry,category,reason\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"reviewed-decisions.csv: lacks the column\(s\) codes; fix the file"):
        sets.read_decisions(path)


HAND_OVERRIDES = {
    "40-aandachtswijken": [
        "Amsterdam Bijlmer",
        "Amsterdam Bos en Lommer",
        "Amsterdam Nieuw-West",
        "Amsterdam Noord",
        "Amsterdam Oost",
        "Arnhem Malburgen/Immerloo",
        "Den Haag Schilderswijk",
        "Den Haag Transvaal",
        "Den Haag Zuid-West",
        "Dordrecht Wielwijk/Crabbehof",
        "Eindhoven Bennekel",
        "Eindhoven Woensel West",
        "Enschede Velve-Lindenhof",
        "Groningen De Hoogte",
        "Groningen Korrewegwijk",
        "Maastricht Noordoost",
        "Nijmegen Hatert",
        "Rotterdam Bergpolder",
        "Rotterdam Oud Zuid",
        "Rotterdam Vreewijk",
        "Rotterdam West",
        "Rotterdam Zuidelijke Tuinsteden",
        "Utrecht Kanaleneiland",
        "Utrecht Ondiep",
        "Utrecht Zuilen Oost",
    ],
    "40plus-wijken": [
        "Almere Steden-, Staatslieden-, Kruidenwijk, centrum",
        "Amsterdam Holendrecht-West & Venserpolder",
        "Bergen op Zoom Gageldonk-West",
        "Breda Haagse Beemden",
        "Capelle aan den IJssel De Hoeken en de Hoven/Wiekslag",
        "Culemborg Terweijde",
        "Den Bosch Boschveld",
        "Den Bosch Hambaken",
        "Ede Veldhuizen-A",
        "Enschede Wesselerbrink-Noord",
        "Gouda Oost",
        "Haarlem Zomerzone",
        "Heerlen Passart",
        "Hoogezand-Sappemeer Gorecht-West",
        "IJsselstein IJsselveld-Oost",
        "Leiden Slaaghwijk",
        "Lelystad Boswijk Zuid",
        "Roosendaal Kalsdonk",
        "Sittard-Geleen TAS",
        "Tilburg Kruidenbuurt",
        "Veenendaal JES",
        "Venlo Leutherberg en Vogelhut",
        "Vlaardingen Babberspolder-Oost",
        "Zoetermeer Palenstein",
    ],
}


def test_the_hand_overrides_are_listed_explicitly():
    """The reviewed entries whose members a reviewer decided (all others: as the resolver finds them)."""
    for slug, names in HAND_OVERRIDES.items():
        assert sorted(sets.HAND_DECISIONS[slug]) == sorted(names)


def test_resolver_categories_on_small_cases(dataset):
    entries = [
        sets.Entry("Utrecht", "Overvecht", "a"),
        sets.Entry("Amersfoort", "De Kruiskamp", "b"),
        sets.Entry("Arnhem", "Presikhaaf", "c"),
        sets.Entry("Utrecht", "Nergenshuizen", "d"),
        sets.Entry("Atlantis", "Centrum", "e"),
        sets.Entry("Den Haag", "Stationsbuurt", "f"),
    ]
    res = sets.resolve_names(dataset, entries)
    assert [res.category_of(x) for x in "abcdef"] == ["exact", "fuzzy", "multiple", "not_found", "not_found", "exact"]
    assert "Atlantis" in next(m.reason for m in res.matches if m.entry == "e")
    assert "'s-Gravenhage" in next(m.reason for m in res.matches if m.entry == "f")


def test_resolver_refuses_bad_overrides(dataset):
    entries = [sets.Entry("Utrecht", "Overvecht", "a")]
    with pytest.raises(ValueError, match="not in the dataset"):
        sets.resolve_names(dataset, entries, overrides={"a": sets.Decision(("WK999999",), "fuzzy", "x")})
    with pytest.raises(ValueError, match="needs a reason"):
        sets.resolve_names(dataset, entries, overrides={"a": sets.Decision(("WK034403",), "fuzzy", "")})
    with pytest.raises(ValueError, match="not in the set"):
        sets.resolve_names(dataset, entries, overrides={"zz": sets.Decision(("WK034403",), "exact", "")})
    with pytest.raises(ValueError, match="unique labels"):
        sets.resolve_names(dataset, entries * 2)


def test_load_set_unknown_slug_names_the_choices():
    with pytest.raises(KeyError, match="40-aandachtswijken"):
        sets.load_set("41-wijken")


def test_damaged_reviewed_file_is_refused_with_row_numbers(tmp_path):
    frame = pd.read_csv(ROOT / "data" / "sets" / "40plus-wijken.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "category"] = "guess"
    frame.loc[1, "code"] = "XX030710"
    frame.loc[2, "reason"] = ""
    frame.to_csv(tmp_path / "40plus-wijken.csv", index=False)
    with pytest.raises(ValueError, match=r"3 problem.*row 2: category 'guess'.*row 3: code 'XX030710'.*row 4: a"):
        sets.load_set("40plus-wijken", folder=tmp_path)


# -- user sets --------------------------------------------------------------------------------------
def test_user_set_from_typed_codes_and_names(dataset):
    aset = sets.set_from_text(dataset, "WK034403\nUtrecht; Kanaleneiland-Noord\nZaanstad, Poelenburg\n\n", name="mijn")
    assert aset.members[0] == "WK034403" and "WK047912" in aset.members
    assert aset.resolution is not None and aset.resolution.counts()["exact"] >= 2
    if dataset.has("BU03440832"):  # buurten kept as buurten in a user set
        assert "BU03440832" in aset.members


def test_user_set_errors_name_every_bad_line(dataset):
    with pytest.raises(ValueError, match=r"line 1: code WK999999.*line 2: 'zomaar'") as info:
        sets.set_from_text(dataset, "WK999999\nzomaar\n")
    assert explain(info.value, "nl") == (
        "2 problemen: regel 1: code WK999999 staat niet in de dataset; "
        "regel 2: 'zomaar' is geen code en geen 'gemeente; naam'"
    )
    with pytest.raises(ValueError, match="none of the names"):
        sets.set_from_text(dataset, "Utrecht; Nergenshuizen")


def test_user_set_from_csv_of_codes_and_of_names(dataset):
    a = sets.set_from_csv(dataset, b"code\nWK034403\nWK047912\n")
    assert a.members == ("WK034403", "WK047912")
    b = sets.set_from_csv(dataset, "\ufeffgemeente;naam\r\nUtrecht;Overvecht\r\n".encode())
    assert b.members == ("WK034403",)
    with pytest.raises(ValueError, match="needs a column 'code'"):
        sets.set_from_csv(dataset, b"x,y\n1,2\n")


def test_user_set_shares_by_url_token_and_round_trips(dataset):
    aset = sets.set_from_codes(dataset, ["WK034403", "WK051829", "BU0363AA01"], name="Mijn wijken")
    token = sets.encode_set(aset)
    assert token.isascii() and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    back = sets.decode_set(dataset, token)
    assert back.members == aset.members and back.name == "Mijn wijken"
    assert decode_selection(dataset, token).codes == aset.members  # the selection token, reused
    with pytest.raises(ValueError):
        sets.decode_set(dataset, token[:-5] + "AAAAA")


def test_set_csv_is_formula_safe(dataset):
    aset = sets.set_from_codes(dataset, ["WK034403"], name="=HYPERLINK(1)")
    text = sets.set_to_csv(dataset, aset).decode("utf-8")
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text
    shipped = sets.set_to_csv(dataset, sets.load_set("40-aandachtswijken"), dutch=True, bom=True)
    assert shipped.startswith(b"\xef\xbb\xbf") and b";" in shipped.splitlines()[0]


def test_corrected_resolution_from_an_edited_table(dataset):
    frame = sets.load_set("40-aandachtswijken").resolution.frame()
    frame.loc[frame["entry"] == "Utrecht Ondiep", "code"] = "WK034401"
    corrected = sets.resolution_from_frame(frame)
    assert corrected.codes_of("Utrecht Ondiep") == ("WK034401",)
    frame.loc[0, "category"] = "maybe"
    with pytest.raises(ValueError, match="row 2: category 'maybe'"):
        sets.resolution_from_frame(frame)


def test_the_editor_shows_scores_in_the_readers_format_and_reads_them_back(dataset):
    resolution = sets.load_set("40-aandachtswijken", dataset).resolution
    nl, en = resolution.editor_frame("nl"), resolution.editor_frame("en")
    fuzzy = [i for i, m in enumerate(resolution.matches) if m.score is not None and m.score < 1]
    missing = [i for i, m in enumerate(resolution.matches) if m.score is None]
    assert fuzzy, "the set has fuzzy matches with a score"
    i = fuzzy[0]
    assert nl.loc[i, "score"] == f"{resolution.matches[i].score:.3f}".replace(".", ",")
    assert en.loc[i, "score"] == f"{resolution.matches[i].score:.3f}"
    assert all(nl.loc[j, "score"] == "–" for j in missing)
    back = sets.resolution_from_frame(nl)
    assert [m.score is None for m in back.matches] == [m.score is None for m in resolution.matches]
    assert back.matches[i].score == pytest.approx(resolution.matches[i].score, abs=5e-4)
    assert back.codes == resolution.codes


# An entry without members, as its code cell reads after pandas, a CSV or the app's editor.
EMPTY_CELLS = [
    pytest.param(float("nan"), id="nan"),
    pytest.param(None, id="None"),
    pytest.param(pd.NA, id="pd.NA"),
    pytest.param("", id="blank"),
    pytest.param("  ", id="spaces"),
    pytest.param("nan", id="text-nan"),
    pytest.param("NaN", id="text-NaN"),
    pytest.param("<NA>", id="text-NA"),
    pytest.param("None", id="text-None"),
    pytest.param("–", id="placeholder"),
]


def _not_found_row(**cells: object) -> dict[str, object]:
    row: dict[str, object] = {
        "entry": "Utrecht Bestaatniet",
        "gemeente": "Utrecht",
        "name": "Bestaatniet",
        "code": "",
        "area_name": "",
        "category": "not_found",
        "score": "",
        "reason": "no wijk or buurt matches",
        "decided": "resolver",
    }
    return row | cells


@pytest.mark.parametrize("empty", EMPTY_CELLS)
def test_an_empty_code_of_an_entry_without_members_is_no_code(empty):
    found = {"entry": "Utrecht Overvecht", "gemeente": "Utrecht", "name": "Overvecht", "code": "WK034403"}
    found |= {"area_name": "Wijk 03 Overvecht", "category": "exact", "score": "1,000", "reason": "", "decided": ""}
    frame = pd.DataFrame([found, _not_found_row(code=empty, score=empty, area_name=empty)])
    resolution = sets.resolution_from_frame(frame)
    assert resolution.codes == ("WK034403",)
    assert resolution.codes_of("Utrecht Bestaatniet") == ()
    assert resolution.category_of("Utrecht Bestaatniet") == "not_found"
    missing = resolution.matches[1]
    assert missing.code is None and missing.score is None and missing.area_name == ""


def test_empty_cells_read_as_no_code_in_a_nullable_string_column():
    # the editor can hand back pandas' "string" dtype, where a missing cell is pd.NA
    frame = pd.DataFrame([_not_found_row(code=None), _not_found_row(entry="Utrecht Ook niet", code="")])
    frame = frame.astype("string")
    assert frame["code"].isna().iloc[0]
    resolution = sets.resolution_from_frame(frame)
    assert resolution.codes == () and len(resolution.entries) == 2


@pytest.mark.parametrize("empty", EMPTY_CELLS)
def test_empty_category_and_reason_are_reported_as_empty(empty):
    with pytest.raises(ValueError, match=r"row 2: category '' is not one of exact, fuzzy") as info:
        sets.resolution_from_frame(pd.DataFrame([_not_found_row(category=empty)]))
    assert explain(info.value, "nl").endswith("rij 2: categorie '' is niet een van " + ", ".join(sets.CATEGORIES))
    with pytest.raises(ValueError, match=r"^the table: 1 problem: row 2: a not_found match needs a reason$"):
        sets.resolution_from_frame(pd.DataFrame([_not_found_row(reason=empty)]))


def test_a_real_code_is_still_checked():
    with pytest.raises(ValueError, match=r"row 2: code 'NANA' is not a CBS code"):
        sets.resolution_from_frame(pd.DataFrame([_not_found_row(code="nana")]))


# -- the programme page's link ------------------------------------------------------------------------
def test_a_good_programme_link_is_read_without_notices(dataset):
    link = sets.parse_programme_link(dataset, {"set": "40plus-wijken", "ya": "2012", "yb": ["2020", "2022"]})
    assert (link.set, link.year_a, link.year_b, link.user_set, link.notices) == ("40plus-wijken", 2012, 2022, None, ())
    default = sets.parse_programme_link(dataset, {})
    assert (default.set, default.year_a, default.year_b, default.notices) == ("40-aandachtswijken", 2008, 2018, ())


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        pytest.param({"set": "nonexist"}, "'nonexist'", id="unknown"),
        pytest.param({"set": "40-Aandachtswijken"}, "'40-Aandachtswijk'", id="capital-cut-at-16"),
        pytest.param({"set": "<script>alert(1)</script>"}, "'?script?alert?1?'", id="html"),
        pytest.param({"set": "４０-aandachtswijken"}, "'??-aandachtswijk'", id="fullwidth"),
        pytest.param({"set": ""}, "''", id="empty"),
    ],
)
def test_an_unknown_set_falls_back_with_its_value_shown_safely(dataset, params, shown):
    link = sets.parse_programme_link(dataset, params)
    assert link.set == "40-aandachtswijken"
    (notice,) = link.notices
    assert notice.text("nl") == (
        f"set {shown} bestaat niet (kies uit 40-aandachtswijken, 40plus-wijken, sel, user); de 40 aandachtswijken getoond"
    )
    assert notice.text("en").startswith(f"set {shown} does not exist (choose from 40-aandachtswijken, 40plus")
    assert notice.text("en").endswith("; the 40 aandachtswijken shown")


YEARS = "2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024"  # the years of the source files


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("2009", "2009", id="no-data"),
        pytest.param("1999", "1999", id="before"),
        pytest.param("２０１２", "????", id="fullwidth-digits"),
        pytest.param("²⁰¹²", "????", id="superscript-digits"),
        pytest.param("12", "12", id="short"),
        pytest.param("2012a", "2012a", id="letter"),
        pytest.param("x" * 500, "x" * 16, id="long"),
    ],
)
def test_a_bad_year_falls_back_with_a_notice(dataset, value, shown):
    link = sets.parse_programme_link(dataset, {"ya": value})
    assert (link.year_a, link.year_b) == (2008, 2018)
    (notice,) = link.notices
    assert notice.text("nl") == f"jaar A 'ya={shown}' is geen jaar met gegevens (wel: {YEARS}); 2008 getoond"
    assert notice.text("en") == (f"year A 'ya={shown}' is not a year with data (years with data: {YEARS}); 2008 shown")
    b = sets.parse_programme_link(dataset, {"yb": value}).notices[0]
    assert b.text("en").startswith(f"year B 'yb={shown}'") and b.text("en").endswith("; 2018 shown")


def test_years_out_of_order_fall_back_to_the_default_period(dataset):
    link = sets.parse_programme_link(dataset, {"ya": "2020"})  # B is 2018 by default
    assert (link.year_a, link.year_b) == (2008, 2018)
    assert [n.text("nl") for n in link.notices] == ["jaar A 2020 ligt niet voor jaar B 2018; 2008-2018 getoond"]
    same = sets.parse_programme_link(dataset, {"ya": "2012", "yb": "2012"})
    assert [n.text("en") for n in same.notices] == ["year A 2012 is not before year B 2012; 2008-2018 shown"]


def test_an_own_set_in_the_link_wins_and_a_damaged_one_is_named_without_echo(dataset):
    token = sets.encode_set(sets.set_from_codes(dataset, ["WK034403", "WK047912"], name="mijn"))
    link = sets.parse_programme_link(dataset, {"set": "40plus-wijken", "u": token})
    assert link.set == "user" and link.user_set is not None and link.user_set.members == ("WK034403", "WK047912")
    assert link.notices == ()
    for bad in (token[:-5] + "AAAAA", "<b>", "é" * 10, "A" * 200_000):
        damaged = sets.parse_programme_link(dataset, {"set": "40plus-wijken", "u": bad})
        assert damaged.set == "40plus-wijken" and damaged.user_set is None
        (notice,) = damaged.notices
        assert notice.text("nl") == (
            "de eigen set in de link (u) is ongeldig of beschadigd en is genegeerd; de 40+ wijken getoond"
        )
        assert (
            notice.text("en")
            == "the own set in the link (u) is invalid or damaged and was ignored; the 40+ wijken shown"
        )
    form = sets.parse_programme_link(dataset, {"set": "user", "u": "AAAA"}).notices[0]
    assert form.text("en").endswith("; the form for an own set shown")
