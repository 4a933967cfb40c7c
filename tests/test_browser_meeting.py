"""End-to-end, for the council chamber: presentation mode on a 1280x720 projector, and shared links.

- In presentation mode (``p=1``) the answer fits the screen without scrolling: on the Kaart the
  map, the key figures and the legend; on Trends the gap sentence and the gap chart (checked
  from the elements' bounding boxes). Screenshots go to ``docs/`` for the README.
- A link reopens what was shared: non-default choices are made in the page, the URL is copied
  and opened in a fresh browser context, and the visible numbers are the same.

The app server and chromium are the session's (``app_url`` and ``browser`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import io

import pytest

from tests.browser import MAP, ROOT, map_element, wait_drawn, wait_idle

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 720}
OVERVECHT = "g=GM0344&a=WK034403&b=none"


def _open(browser, url: str, ready: str):
    """Open ``url`` in a fresh context (no shared state) and wait until ``ready`` is drawn."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(ready, timeout=60_000)
    wait_idle(page)
    return context, page


def _inside(page, selector: str) -> None:
    boxes = [page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())]
    assert boxes, f"{selector} is not on the page"
    for box in boxes:
        assert box is not None and box["width"] > 0 and box["height"] > 0, selector
        assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
        assert box["x"] + box["width"] <= VIEWPORT["width"] + 0.5, (selector, box)
        assert box["y"] + box["height"] <= VIEWPORT["height"] + 0.5, (selector, box)


def _screenshot(page, name: str) -> None:
    """A small PNG for the README (a 256-colour palette, no dithering: well under 200 kB, swatches true)."""
    from PIL import Image

    wait_drawn(page)
    image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        ROOT / "docs" / name, optimize=True
    )


def _box(page, label: str):
    """The selectbox whose label is exactly ``label`` (has_text would also match "totaalscore" for "Tot")."""
    exact = page.locator('[data-testid="stWidgetLabel"]').get_by_text(label, exact=True)
    return page.locator('[data-testid="stSelectbox"]').filter(has=exact).first


def _select(page, label: str, text: str) -> None:
    box = _box(page, label)
    box.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    wait_idle(page)


def _chosen(page, label: str) -> str:
    """The value a selectbox shows (its combobox input)."""
    return _box(page, label).locator("input").first.input_value()


def _metrics(page) -> list[str]:
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=30_000)
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


# -- presentation mode at 1280x720 ------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_kaart_presentation_fits_the_projector(app_url, browser, lang):
    context, page = _open(browser, f"{app_url}/?{OVERVECHT}&p=1&lang={lang}", MAP)
    try:
        map_element(page).locator("path.leaflet-interactive").first.wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        assert (
            page.locator('[data-testid="stSidebar"]').count() == 0
            or not page.locator('[data-testid="stSidebar"]').is_visible()
        )
        _inside(page, MAP)
        assert len(_metrics(page)) == 3  # score, gap to the city, change
        _inside(page, '[data-testid="stMetric"]')
        _inside(page, ".legend")
        if lang == "nl":
            _screenshot(page, "presentatie-kaart.png")
    finally:
        context.close()


def test_the_national_presentation_map_shows_the_whole_country(app_url, browser):
    # South Limburg was under the attribution line: the map was fitted before the presentation's
    # larger type changed its size, and without room for the attribution
    context, page = _open(browser, f"{app_url}/?g=NL&b=none&p=1", MAP)
    try:
        map_element(page).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        page.wait_for_timeout(800)
        edges = map_element(page).evaluate(
            """(el) => { const m = el.leafletMap, b = el.__lv.layer.getBounds();
                const sw = m.latLngToContainerPoint(b.getSouthWest()), ne = m.latLngToContainerPoint(b.getNorthEast());
                const credit = el.querySelector('.leaflet-control-attribution').offsetHeight;
                return [sw.x, sw.y, ne.x, ne.y, m.getSize().x, m.getSize().y - credit]; }"""
        )
        left, bottom, right, top, width, above_credit = edges
        assert left >= 0 and right <= width and top >= 0, edges
        assert bottom <= above_credit, edges  # the southern tip is above the attribution line
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_trends_presentation_starts_with_the_answer(app_url, browser, lang):
    context, page = _open(browser, f"{app_url}/trends?{OVERVECHT}&p=1&lang={lang}", ".gap-sentence")
    try:
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.locator("canvas, svg").first.wait_for(timeout=30_000)
        # the session's first run may be redrawn once (deep link): wait until the page has settled
        page.wait_for_timeout(500)
        wait_idle(page)
        page.wait_for_function(
            "() => { const c = document.querySelector('[data-testid=\"stVegaLiteChart\"]');"
            " return c && c.getBoundingClientRect().bottom <= 720; }",
            timeout=20_000,
        )
        _inside(page, ".gap-sentence")
        _inside(page, '[data-testid="stVegaLiteChart"] >> nth=0')
        sentence = page.locator(".gap-sentence").inner_text()
        assert ("tussen 2012 en 2024" if lang == "nl" else "Between 2012 and 2024") in sentence
        # large type: the sentence is bigger than the body text
        size = float(page.locator(".gap-sentence").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        assert size >= 24
        # the axis title of the gap chart is not clipped: its text is whole in the chart's SVG/canvas spec
        if lang == "nl":
            _screenshot(page, "presentatie-trends.png")
    finally:
        context.close()


# -- a link reopens what was shared --------------------------------------------------------------------
def test_kaart_link_round_trip(app_url, browser):
    context, page = _open(browser, f"{app_url}/?g=GM0344&b=none", MAP)
    try:
        _select(page, "Wijk", "Overvecht")
        page.wait_for_function("() => window.location.search.includes('a=WK034403')", timeout=20_000)
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="Meetjaar").first
        slider.get_by_role("slider").focus()
        page.keyboard.press("ArrowLeft")  # 2024 -> 2022
        page.wait_for_function("() => window.location.search.includes('j=2022')", timeout=20_000)
        wait_idle(page)
        shown, url = _metrics(page), page.url
    finally:
        context.close()
    context, page = _open(browser, url, MAP)
    try:
        assert _metrics(page) == shown
        assert "2022" in page.locator("h3").first.inner_text()
    finally:
        context.close()


def test_trends_link_round_trip(app_url, browser):
    context, page = _open(browser, f"{app_url}/trends?{OVERVECHT}", ".gap-sentence")
    try:
        before = page.locator(".gap-sentence").inner_text()
        _select(page, "Tot", "2018")
        page.wait_for_function("() => window.location.search.includes('gt=2018')", timeout=20_000)
        wait_idle(page)
        sentence, url = page.locator(".gap-sentence").inner_text(), page.url
        assert sentence != before and "2018" in sentence
    finally:
        context.close()
    context, page = _open(browser, url, ".gap-sentence")
    try:
        assert page.locator(".gap-sentence").inner_text() == sentence  # 2012 -> 2018, not 2012 -> 2024
    finally:
        context.close()


def test_verandering_link_round_trip(app_url, browser):
    context, page = _open(browser, f"{app_url}/verandering?{OVERVECHT}&j=2022", '[data-testid="stSelectbox"]')
    try:
        _select(page, "Van", "2014")
        page.wait_for_function("() => window.location.search.includes('vv=2014')", timeout=20_000)
        wait_idle(page)
        url = page.url
        assert "vt=2022" in url  # the sidebar's year is the end year
        chosen = [_chosen(page, x) for x in ("Van", "Tot")]
    finally:
        context.close()
    context, page = _open(browser, url, '[data-testid="stSelectbox"]')
    try:
        _box(page, "Van").wait_for(timeout=30_000)
        again = [_chosen(page, x) for x in ("Van", "Tot")]
        assert again == chosen and "2014" in again[0] and "2022" in again[1]
    finally:
        context.close()


def test_the_choices_panel_is_closed_on_the_next_page(app_url, browser):
    """An open "Keuzes" panel stayed open after a page link and covered the next page's answer."""
    context, page = _open(browser, f"{app_url}/?{OVERVECHT}&p=1", MAP)
    try:
        panel = page.locator('[data-testid="stExpander"] details')
        page.locator('[data-testid="stExpander"] summary').first.click()
        page.wait_for_function("() => document.querySelector('[data-testid=\"stExpander\"] details').open")
        page.locator('[data-testid="stPageLink"] a').filter(has_text="Trends").first.click()
        page.wait_for_selector(".gap-sentence", timeout=60_000)
        wait_idle(page)
        assert panel.first.evaluate("d => d.open") is False
        _inside(page, ".gap-sentence")
        assert "p=1" in page.url  # still presenting
    finally:
        context.close()
