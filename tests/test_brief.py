"""The one-page brief: PDF and PNG, rendered from the real dataset without a browser."""

from __future__ import annotations

import io
import sys

import pytest
from PIL import Image
from pypdf import PdfReader

import geo
from geo.__main__ import main
from geo.brief import ATTRIBUTION, PNG_SIZE, render_brief, summary_rows, touching_areas
from geo.neighbours import graph_for

A4_POINTS = (841.89, 595.28)


def _pdf_text(pdf: bytes) -> tuple[int, str, tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    box = (float(page.mediabox.width), float(page.mediabox.height))
    return len(reader.pages), page.extract_text(), box


@pytest.fixture(scope="module")
def brief(dataset: geo.Dataset) -> tuple[bytes, bytes]:
    return render_brief(dataset, "WK0363AA", 2022)


def test_brief_is_one_a4_landscape_page(brief):
    pdf, png = brief
    assert pdf.startswith(b"%PDF")
    pages, _, box = _pdf_text(pdf)
    assert pages == 1
    assert box == pytest.approx(A4_POINTS, abs=1.0)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == PNG_SIZE == (1754, 1240)


def test_brief_text_names_the_area_attribution_and_sources(dataset, brief):
    _, text, _ = _pdf_text(brief[0])
    assert "Haarlemmerbuurt (WK0363AA)" in text
    assert ATTRIBUTION in text
    assert "Bronnen" in text and "CC BY 4.0" in text and "CC0 1.0" in text
    assert "geen officiële" in text  # the colour classes are not the official Leefbaarometer classes
    for label, value in summary_rows(dataset, "WK0363AA", 2022):
        assert label in text and value in text
    # the default neighbours are those of the neighbour graph, each drawn with its name
    for code in graph_for(dataset, "wijk").neighbours("WK0363AA"):
        assert dataset.name(code) in text


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
    assert rows["Change since 2020"] == f"{change:+.3f}".replace("-", "−")
    gap = lbm - dataset.city_reference("WK0363AA", 2022).value
    assert rows["Gap to city (lbm − city)"] == f"{gap:+.3f}".replace("-", "−")
    first = dict(summary_rows(dataset, "WK0363AA", 2002, lang="nl"))
    assert first["Verandering sinds vorige meting"] == "geen eerdere meting"
    assert first["Score (lbm)"] == f"{dataset.value('WK0363AA', 2002):.3f}".replace(".", ",")


def test_touching_areas_fallback(dataset):
    near = touching_areas(dataset, "WK0363AA")
    assert "WK0363AA" not in near
    assert set(graph_for(dataset, "wijk").neighbours("WK0363AA")) <= set(near)  # 40 m graph within 50 m
    focal = dataset.areas.at["WK0363AA", "geometry"]
    assert all(dataset.areas.at[c, "geometry"].distance(focal) <= 50 for c in near)
    assert all(dataset.level(c) == "wijk" for c in near)
    assert touching_areas(dataset, "BU0363AA01") and all(
        c.startswith("BU") for c in touching_areas(dataset, "BU0363AA01")
    )


def test_english_buurt_brief_without_the_neighbour_module(dataset, monkeypatch):
    monkeypatch.setitem(sys.modules, "geo.neighbours", None)  # import fails: the fallback query is used
    pdf, _png = render_brief(dataset, "BU0363AA01", 2024, lang="en")
    _, text, _ = _pdf_text(pdf)
    assert "Planciusbuurt-Noord (BU0363AA01)" in text
    assert "Liveability" in text and ATTRIBUTION in text and "Gemeente Amsterdam" in text
    for code in touching_areas(dataset, "BU0363AA01"):
        assert dataset.name(code) in text


def test_explicit_neighbours_and_cli_bytes(dataset, tmp_path, capsys):
    out = tmp_path / "brief.pdf"
    argv = ["brief", "--code", "WK001400", "--year", "2012", "--out", str(out), "--neighbours", "WK001401"]
    assert main(argv) == 0
    pdf, png = render_brief(dataset, "WK001400", 2012, neighbours=["WK001401"])
    assert out.read_bytes() == pdf
    assert (tmp_path / "brief.png").read_bytes() == png
    _, text, _ = _pdf_text(pdf)
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
    assert "error: `year` was 2021" in capsys.readouterr().err
    assert not out.exists()
