"""The one-page brief: PDF and PNG, rendered from the real dataset without a browser."""

from __future__ import annotations

import io
import itertools
import re

import pytest
from matplotlib.text import Text
from PIL import Image
from pypdf import PdfReader

import geo
from geo.__main__ import main
from geo.brief import (
    ATTRIBUTION,
    MAP_LABEL_GID,
    MIN_FONT_SIZE,
    PNG_SIZE,
    brief_figure,
    brief_filename,
    gap_text,
    render_brief,
    summary_rows,
)
from geo.city_gap import gap_change, gap_sentence
from geo.neighbours import graph_for

A4_POINTS = (841.89, 595.28)
OVERVECHT = "WK034403"  # Wijk 03 Overvecht, Utrecht

# Words of the brief that belong to one language only (written by hand, not taken from the code).
DUTCH_ONLY = {
    "achterstand",
    "afgenomen",
    "afwijking",
    "bronnen",
    "buren",
    "buurten",
    "door",
    "een",
    "gebied",
    "gegevens",
    "geen",
    "gemiddelde",
    "grenzen",
    "het",
    "hoogst",
    "jaren",
    "kaart",
    "klassen",
    "kleuren",
    "landelijk",
    "landelijke",
    "meetjaar",
    "meting",
    "naar",
    "nummers",
    "officiële",
    "rang",
    "samenvatting",
    "sinds",
    "stad",
    "stedelijk",
    "toegenomen",
    "van",
    "vaste",
    "verandering",
    "verschil",
    "vorige",
    "wijken",
    "zijn",
    "leefbaarheid",
    "jaar",
    "tussen",
    "gewogen",
    "berekend",
}
ENGLISH_ONLY = {
    "and",
    "area",
    "average",
    "between",
    "boundaries",
    "change",
    "city",
    "classes",
    "colours",
    "data",
    "deviation",
    "district",
    "districts",
    "fixed",
    "from",
    "gap",
    "highest",
    "level",
    "liveability",
    "map",
    "measurement",
    "neighbours",
    "numbers",
    "official",
    "over",
    "previous",
    "rank",
    "release",
    "releases",
    "since",
    "sources",
    "summary",
    "the",
    "this",
    "widened",
    "narrowed",
    "year",
    "years",
    "weighted",
    "with",
}


def _pdf(pdf: bytes) -> tuple[int, str, tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    box = (float(page.mediabox.width), float(page.mediabox.height))
    return len(reader.pages), page.extract_text(), box


def _flat(text: str) -> str:
    return " ".join(text.split())


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def brief(dataset: geo.Dataset) -> tuple[bytes, bytes]:
    return render_brief(dataset, "WK0363AA", 2022)


@pytest.fixture(scope="module")
def overvecht(dataset: geo.Dataset) -> dict[str, str]:
    return {lang: _pdf(render_brief(dataset, OVERVECHT, 2022, lang=lang)[0])[1] for lang in ("nl", "en")}


def test_brief_is_one_a4_landscape_page(brief):
    pdf, png = brief
    assert pdf.startswith(b"%PDF")
    pages, _, box = _pdf(pdf)
    assert pages == 1
    assert box == pytest.approx(A4_POINTS, abs=1.0)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == PNG_SIZE == (1754, 1240)


def test_brief_text_names_the_area_attribution_sources_and_key(dataset, brief):
    text = _flat(_pdf(brief[0])[1])
    assert "Haarlemmerbuurt (WK0363AA)" in text
    assert ATTRIBUTION in text
    assert "Bronnen" in text and "CC BY 4.0" in text and "CC0 1.0" in text
    assert "geen officiële" in text  # the colour classes are not the official Leefbaarometer classes
    for label, value in summary_rows(dataset, "WK0363AA", 2022):
        assert label in text and value in text
    # the neighbours are those of the app's neighbour graph, each in the key with its name
    for code in graph_for(dataset, "wijk").neighbours("WK0363AA"):
        assert _squash(dataset.name(code)) in _squash(text)  # long names wrap onto two lines


def test_brief_carries_the_gap_answer(dataset, overvecht):
    # 2012 to the brief's year, as on the Trends page
    for lang in ("nl", "en"):
        sentence = gap_sentence(dataset, gap_change(dataset, OVERVECHT, 2012, 2022), lang=lang)
        assert gap_text(dataset, OVERVECHT, 2022, lang=lang) == sentence
        assert _flat(sentence) in _flat(overvecht[lang])
    assert "Verschil met het stedelijk gemiddelde" in overvecht["nl"]
    assert "Gap to the city per year" in overvecht["en"]
    # the first measurement has no earlier year to compare with
    assert gap_text(dataset, "WK0363AA", 2002, lang="nl").startswith("Er is geen eerder meetjaar")
    assert gap_text(dataset, "WK0363AA", 2002, lang="en").startswith("There is no earlier measurement year")


def test_brief_is_reproducible(dataset, brief):
    again = render_brief(dataset, "WK0363AA", 2022)
    assert again[0] == brief[0]


def test_summary_rows_known_answers(dataset):
    rows = dict(summary_rows(dataset, "WK0363AA", 2022, lang="en"))
    lbm = dataset.value("WK0363AA", 2022)
    assert rows["Score (lbm)"] == f"{lbm:.3f}"
    peers = dataset.values(dataset.codes("wijk", gemeente="GM0363"), 2022).dropna()
    rank = int((peers > lbm).sum()) + 1
    assert rows["Rank in Amsterdam (1 = highest)"] == f"{rank} of {len(peers)} districts"
    change = lbm - dataset.value("WK0363AA", 2020)
    assert rows["Change since 2020"] == f"{change:+.3f}"
    gap = lbm - dataset.city_reference("WK0363AA", 2022).value
    assert rows["Gap to the city (lbm − city)"] == f"{gap:+.3f}"
    first = dict(summary_rows(dataset, "WK0363AA", 2002, lang="nl"))
    assert first["Verandering sinds vorige meting"] == "geen eerdere meting"
    assert first["Score (lbm)"] == f"{dataset.value('WK0363AA', 2002):.3f}".replace(".", ",")


def test_overvecht_summary_known_answers(dataset):
    # Leefbaarometer 3.0, wijken 2002-2022: Overvecht lbm 2022 = 3.8406..., afw = -0.2617... (= lbm - 4.1023)
    rows = dict(summary_rows(dataset, OVERVECHT, 2022, lang="nl"))
    assert rows["Score (lbm)"] == "3,841"
    assert rows["Verschil met landelijk referentieniveau"] == "-0,261"
    assert rows["Rang in Utrecht (1 = hoogst)"] == "10 van 10 wijken"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_one_language_only(overvecht, dataset, lang):
    text = overvecht[lang]
    names = " ".join(dataset.name(c) for c in [OVERVECHT, *graph_for(dataset, "wijk").neighbours(OVERVECHT)])
    proper = set(re.findall(r"\w+", names.lower()))
    words = set(re.findall(r"\w+", text.lower())) - proper
    own, other = (DUTCH_ONLY, ENGLISH_ONLY) if lang == "nl" else (ENGLISH_ONLY, DUTCH_ONLY)
    assert len(words & own) >= 15, "the text extraction found too few words of the brief's own language"
    assert not words & other, f"{lang} brief holds words of the other language: {sorted(words & other)}"
    # numbers in the language's own format
    if lang == "nl":
        assert "3,841" in text and "3.841" not in text
    else:
        assert "3.841" in text and "3,841" not in text


def _texts(fig):
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize(
    ("code", "year", "lang"),
    [(OVERVECHT, 2022, "nl"), ("BU0363EB09", 2024, "en"), ("WK011451", 2022, "nl")],
    ids=["overvecht", "buurt-13-neighbours", "emmen-23-neighbours"],
)
def test_legible_and_no_overlapping_labels(dataset, code, year, lang):
    fig = brief_figure(dataset, code, year, lang=lang)
    texts = _texts(fig)
    assert len(texts) > 60
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < MIN_FONT_SIZE]
    assert MIN_FONT_SIZE == 7.0
    assert not small, f"text under 7 pt: {small}"
    # one numbered label per drawn area: the area and each neighbour
    neighbours = graph_for(dataset, dataset.level(code)).neighbours(code)
    labels = [t for t in texts if t.get_gid() == MAP_LABEL_GID]
    assert sorted(int(t.get_text()) for t in labels) == list(range(1, len(neighbours) + 2))
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in labels]
    assert all(b.width > 5 and b.height > 5 for b in boxes)
    overlapping = [
        (a, b) for (a, ba), (b, bb) in itertools.combinations(zip(labels, boxes, strict=True), 2) if ba.overlaps(bb)
    ]
    assert not overlapping, [(a.get_text(), b.get_text()) for a, b in overlapping]
    # everything stays on the page
    page = fig.bbox
    outside = [t.get_text()[:30] for t in texts if not page.contains(*t.get_window_extent(renderer).max)]
    assert not outside


def test_overlap_check_can_fail(dataset):
    # the same check on two labels at one spot does see the overlap
    fig = brief_figure(dataset, OVERVECHT, 2022)
    labels = [t for t in _texts(fig) if t.get_gid() == MAP_LABEL_GID]
    labels[1].set_position(labels[0].get_position())
    labels[1].xy = labels[0].xy
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert (
        labels[0]
        .get_bbox_patch()
        .get_window_extent(renderer)
        .overlaps(labels[1].get_bbox_patch().get_window_extent(renderer))
    )


@pytest.fixture(scope="module")
def hostile(dataset: geo.Dataset) -> geo.Dataset:
    """The real dataset with math-text names for Overvecht, two neighbours and its gemeente."""
    areas = dataset.areas.copy()
    first, second = graph_for(dataset, "wijk").neighbours(OVERVECHT)[:2]
    areas.loc[OVERVECHT, "name"] = r"$\frac{1}{2}$ Overvecht \ 5$"
    areas.loc[first, "name"] = r"Wijk $x^2$ \alpha"
    areas.loc[second, "name"] = "$$"
    areas.loc[areas["gemeente_code"] == "GM0344", "gemeente_name"] = "Utrecht $_x"
    return geo.Dataset(
        areas, dataset.scores, excluded=dataset.excluded, manifest=dataset.manifest, display=dataset._display
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_mathtext_names_render_as_typed(hostile, lang):
    pdf, png = render_brief(hostile, OVERVECHT, 2022, lang=lang)
    assert png.startswith(b"\x89PNG")
    text = _pdf(pdf)[1]
    assert r"$\frac{1}{2}$ Overvecht \ 5$ (WK034403)" in text
    assert r"Wijk $x^2$ \alpha" in text
    assert "Utrecht $_x" in text


@pytest.mark.parametrize(
    ("code", "year", "lang", "ext", "expected"),
    [
        (OVERVECHT, 2022, "nl", "pdf", "brief-WK034403-overvecht-2022-nl.pdf"),
        (OVERVECHT, 2024, "en", ".PNG", "brief-WK034403-overvecht-2024-en.png"),
        ("WK0363AA", 2022, "nl", "pdf", "brief-WK0363AA-haarlemmerbuurt-2022-nl.pdf"),
        ("BU0363AA01", 2024, "en", "pdf", "brief-BU0363AA01-planciusbuurt-noord-2024-en.pdf"),
    ],
)
def test_brief_filename(dataset, code, year, lang, ext, expected):
    assert brief_filename(dataset, code, year, lang, ext) == expected


def test_brief_filename_is_ascii_for_any_name(hostile, dataset):
    assert brief_filename(hostile, OVERVECHT, 2022, "nl") == "brief-WK034403-frac-1-2-overvecht-5-2022-nl.pdf"
    areas = dataset.areas.copy()
    areas.loc[OVERVECHT, "name"] = "Wijk 03 Ön/der ’t Plein"
    odd = geo.Dataset(areas, dataset.scores, manifest=dataset.manifest)
    assert brief_filename(odd, OVERVECHT, 2022, "nl") == "brief-WK034403-on-der-t-plein-2022-nl.pdf"
    areas.loc[OVERVECHT, "name"] = "€€"
    assert brief_filename(geo.Dataset(areas, dataset.scores), OVERVECHT, 2022, "en") == "brief-WK034403-2022-en.pdf"


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("WK999901", 2022, "nl", "pdf"), "not areas of the dataset: WK999901"),
        ((OVERVECHT, 2022, "de", "pdf"), "`lang` was 'de'"),
        ((OVERVECHT, 2022, "nl", "svg"), "`ext` was 'svg'"),
    ],
)
def test_brief_filename_errors(dataset, args, match):
    with pytest.raises(ValueError, match=match):
        brief_filename(dataset, *args)


def test_english_buurt_brief(dataset):
    pdf, _png = render_brief(dataset, "BU0363AA01", 2024, lang="en")
    text = _flat(_pdf(pdf)[1])
    assert "Planciusbuurt-Noord (BU0363AA01)" in text
    assert "Liveability" in text and ATTRIBUTION in text and "City of Amsterdam" in text
    for code in graph_for(dataset, "buurt").neighbours("BU0363AA01"):
        assert _squash(dataset.name(code)) in _squash(text)


def test_explicit_neighbours_and_cli_bytes(dataset, tmp_path, capsys):
    out = tmp_path / "brief.pdf"
    argv = ["brief", "--code", "WK001400", "--year", "2012", "--out", str(out), "--neighbours", "WK001401"]
    assert main(argv) == 0
    pdf, png = render_brief(dataset, "WK001400", 2012, neighbours=["WK001401"])
    assert out.read_bytes() == pdf
    assert (tmp_path / "brief.png").read_bytes() == png
    text = _pdf(pdf)[1]
    assert dataset.name("WK001401") in text
    others = set(graph_for(dataset, "wijk").neighbours("WK001400")) - {"WK001401"}
    assert others and not any(dataset.name(c) in text for c in others)  # only the given neighbour is drawn
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("code", "year", "kwargs", "match"),
    [
        ("WK999901", 2022, {}, "not areas of the dataset: WK999901"),
        ("WK0363AA", 2021, {}, "`year` was 2021 but WK0363AA has lbm scores in 2002"),
        ("WK036399", 2022, {}, "has no lbm score in any year"),
        ("WK009001", 2022, {}, r"its scores are excluded: name mismatch"),
        ("WK0363AA", 2022, {"lang": "de"}, "`lang` was 'de'"),
        ("WK0363AA", 2022, {"neighbours": ["WK0363AB", "WK0363Z9"]}, "`neighbours` holds 1 code"),
    ],
    ids=["unknown", "year", "unscored", "excluded", "lang", "neighbour"],
)
def test_brief_errors(dataset, code, year, kwargs, match):
    with pytest.raises(ValueError, match=match):
        render_brief(dataset, code, year, **kwargs)


def test_cli_brief_error_exits_2(tmp_path, capsys):
    out = tmp_path / "b.pdf"
    assert main(["brief", "--code", "WK0363AA", "--year", "2021", "--out", str(out)]) == 2
    assert "error: brief --code WK0363AA --year 2021: `year` was 2021" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(("code", "lang"), [("BU0363AA01", "en"), (OVERVECHT, "nl"), ("BU00140000", "en")])
def test_every_summary_cell_holds_its_text(dataset, code, lang):
    # "148 of 485 neighbourhoods" once ran over "Rank in Amsterdam (1 = highest)"
    fig = brief_figure(dataset, code, 2024 if code.startswith("BU") else 2022, lang=lang)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (table,) = [t for ax in fig.axes for t in ax.tables]
    cells = table.get_celld().values()
    assert len(cells) == 12
    for cell in cells:
        box, text = cell.get_window_extent(renderer), cell.get_text().get_window_extent(renderer)
        assert box.x0 <= text.x0 and text.x1 <= box.x1, cell.get_text().get_text()
        assert cell.get_text().get_fontsize() >= MIN_FONT_SIZE


def test_a_buurt_outside_amsterdam_credits_its_own_outlines_and_the_official_city_score(dataset):
    # Groningen's buurten come from the Leefbaarometer WFS (CBS / Kadaster geometry); in 2024
    # Groningen has no wijk scores, so the city reference is the gemeente's published score
    assert dataset.areas.at["BU00140000", "source"].startswith("leefbaarometer/wfs-meting-2024/")
    official = dataset.scores.query("code == 'GM0014' and year == 2024")["lbm"].item()
    value = dataset.scores.query("code == 'BU00140000' and year == 2024")["lbm"].item()
    text = _flat(_pdf(render_brief(dataset, "BU00140000", 2024)[0])[1])
    assert "Amsterdam" not in text
    assert "Gemeentescore (officieel)" in text and f"{official:.3f}".replace(".", ",") in text
    assert f"Verschil met de gemeentescore +{value - official:.3f}".replace(".", ",") in text
    assert "geen gegevens" in text  # the gap chart has no year with a computed city mean
    # ... and the gap section says the one year's difference the summary table gives, not only "no trend"
    one_year = f"In 2024 is het verschil met de officiële gemeentescore +{value - official:.3f} (zie de tabel)"
    one_year = one_year.replace(".", ",")
    assert _squash(one_year) in _squash(text)
    assert "In 2024 heeft Groningen geen wijkscores" in text  # the footer says what the summary compares with
    assert "CC0 1.0 (scores en klassen); CC BY 4.0 (geometrie, CBS / Kadaster)" in text
    assert "geometry" not in text and "scores and classes" not in text
    english = _flat(_pdf(render_brief(dataset, "BU0363AA01", 2024, lang="en")[0])[1])
    assert "buurt outlines: City of Amsterdam" in english


def test_the_gap_section_can_follow_a_pages_measure_and_period(dataset):
    # as the Trends page says it (same function, same inputs), with the measure named in front
    page = gap_sentence(dataset, gap_change(dataset, OVERVECHT, 2014, 2024, measure="onv"), lang="nl")
    said = gap_text(dataset, OVERVECHT, 2022, measure="onv", period=(2014, 2024))
    assert said == f"Overlast en onveiligheid (onv): {page}"
    assert "tussen 2014 en 2024" in said
    text = _flat(_pdf(render_brief(dataset, OVERVECHT, 2022, measure="onv", period=(2014, 2024))[0])[1])
    assert "Verschil met de stad per jaar (onv − stad)" in text and _squash("tussen 2014 en 2024") in _squash(text)
    assert (
        brief_filename(dataset, OVERVECHT, 2022, "nl", "pdf", measure="onv", period=(2014, 2024))
        == "brief-WK034403-overvecht-2022-gap-onv-2014-2024-nl.pdf"
    )
    with pytest.raises(ValueError, match=r"`period` was \(2024, 2014\) but WK034403 has a onv gap"):
        render_brief(dataset, OVERVECHT, 2022, measure="onv", period=(2024, 2014))


def test_the_command_line_brief_takes_the_gap_measure_and_period(dataset, tmp_path, capsys):
    out = tmp_path / "b.pdf"
    argv = ["brief", "--code", OVERVECHT, "--year", "2022", "--out", str(out)]
    assert main([*argv, "--measure", "onv", "--gap-from", "2014", "--gap-to", "2024"]) == 0
    assert out.read_bytes() == render_brief(dataset, OVERVECHT, 2022, measure="onv", period=(2014, 2024))[0]
    text = _flat(_pdf(out.read_bytes())[1])
    assert "(onv − stad)" in text and _squash("tussen 2014 en 2024") in _squash(text)
    capsys.readouterr()
    assert main([*argv, "--gap-from", "2014"]) == 2
    assert "give both years of the gap period or neither" in capsys.readouterr().err
    assert main([*argv, "--gap-from", "2024", "--gap-to", "2014"]) == 2
    assert "pick two of those years, the earlier as --gap-from" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("code", "year", "lang"), [("BU00140000", 2024, "en"), (OVERVECHT, 2022, "en"), (OVERVECHT, 2022, "nl")]
)
def test_the_legend_and_the_gap_text_keep_to_their_columns(dataset, code, year, lang):
    # "more than sufficient 4.00 – 4.11" ran into the gap sentence, and a five-line gap sentence
    # ran into the gap chart's title
    fig = brief_figure(dataset, code, year, lang=lang)
    renderer = fig.canvas.get_renderer()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    right = [t for t in fig.texts if abs(t.get_position()[0] - 0.60) < 1e-9 and t.get_text()]
    title, sentence = right[0], right[1]
    gap_chart = next(ax for ax in fig.axes if ax.get_title(loc="left").startswith(("Gap to", "Verschil met")))
    column = sentence.get_window_extent(renderer)
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert box.x1 <= column.x0 or box.y0 >= column.y1 or box.y1 <= column.y0, (box, column)
        assert min(t.get_fontsize() for t in legend.get_texts()) >= MIN_FONT_SIZE
    chart_title = gap_chart._left_title.get_window_extent(renderer)  # the title set with loc="left"
    assert column.y0 >= chart_title.y1, (column, chart_title)  # the sentence ends above the chart
    assert title.get_window_extent(renderer).y0 >= column.y1 - 1
