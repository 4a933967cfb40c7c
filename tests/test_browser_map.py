"""End-to-end: the map explorer in a real browser (Playwright + Debian's chromium), offline."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import MAP, ROOT, map_element, running_app, wait_drawn, wait_idle

pytestmark = pytest.mark.browser


def _select(page, label: str, text: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    wait_idle(page)


def _params(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_pick_amsterdam_wijk_year_then_click_a_polygon(app_url, page):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{app_url}/kaart?g=GM0599&b=none")
    wait_idle(page)

    _select(page, "Gemeente", "Amsterdam")
    _select(page, "Wijk", "Oostelijk Havengebied")
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Meetjaar").first
    slider.get_by_role("slider").focus()
    page.keyboard.press("ArrowLeft")  # 2024 -> 2022
    page.wait_for_function("() => window.location.search.includes('j=2022')", timeout=20_000)
    wait_idle(page)
    params = _params(page)
    assert params["g"] == "GM0363"
    assert params["j"] == "2022"
    chosen = params["a"]
    assert chosen.startswith("WK0363")

    frame = map_element(page)
    paths = frame.locator("path.leaflet-interactive")
    paths.first.wait_for(timeout=30_000)
    assert paths.count() >= 100  # 111 wijken of Amsterdam, plus outlines
    page.wait_for_timeout(500)  # let the map settle at its final size before the screenshot
    wait_drawn(page)
    page.screenshot(path=str(ROOT / "docs" / "kaart.png"))

    # hover a polygon far from the selection, read its tooltip, click it: the selection follows
    target = paths.nth(40)
    target.hover()
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    tip = tooltip.inner_text()
    code = re.search(r"WK0363[0-9A-Z]{2}", tip).group(0)
    assert code != chosen
    target.click()
    page.wait_for_function(f"() => window.location.search.includes('a={code}')", timeout=20_000)
    wait_idle(page)
    assert _params(page)["a"] == code
    heading = page.locator("h3").first.inner_text()
    assert heading.split(" · ")[0] in tip
    # the map was redrawn with the new selection
    map_element(page).locator("path.leaflet-interactive").first.wait_for(timeout=30_000)

    # offline: nothing was fetched from anywhere but the app itself
    # (the map component's script is a blob: URL the page made from the app's own text)
    outside = [u for u in requests if not u.startswith((app_url, f"blob:{app_url}", "data:"))]
    assert outside == []
    assert any(u.endswith("/app/static/leaflet/leaflet.js") for u in requests)


def test_a_clicked_area_has_no_focus_rectangle(app_url, page):
    """The browser's focus ring drew a rectangle around a clicked area's bounding box."""
    page.goto(f"{app_url}/?g=GM0344&b=none&j=2022&lang=en")
    wait_idle(page)
    paths = map_element(page).locator("path.leaflet-interactive")
    paths.first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    paths.nth(3).click()
    page.wait_for_timeout(300)
    wait_idle(page)
    page.wait_for_timeout(800)
    focus = "() => { const e = document.activeElement; return [e.tagName, getComputedStyle(e).outlineStyle]; }"
    assert page.evaluate(focus) == ["path", "none"]


def test_the_map_draws_when_the_app_is_served_under_a_base_path(page):
    """Behind a proxy at /lv/ the map loads Leaflet from /lv/app/static, on the home page and a page path."""
    with running_app(base_path="lv") as base:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for path in ("/?g=GM0363&b=none&j=2024", "/verandering?g=GM0363&b=none&j=2024"):
            page.goto(base + path)
            wait_idle(page)
            map_element(page).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        assert any(u.endswith("/lv/app/static/leaflet/leaflet.js") for u in requests)
        assert not any("/app/static/" in u and "/lv/" not in u for u in requests)


def test_open_the_trend_page_for_a_wijk_chosen_on_the_map(app_url, page):
    page.goto(f"{app_url}/?g=GM0599&b=none&j=2022")
    wait_idle(page)
    frame = map_element(page)
    paths = frame.locator("path.leaflet-interactive")
    paths.first.wait_for(timeout=30_000)
    target = paths.nth(3)
    target.hover()
    tip = frame.locator(".leaflet-tooltip").inner_text()
    code = re.search(r"WK0599[0-9A-Z]{2}", tip).group(0)
    target.click()
    page.wait_for_function(f"() => window.location.search.includes('a={code}')", timeout=20_000)
    wait_idle(page)

    page.get_by_role("link", name="Trends en vergelijking").click()
    page.wait_for_url(re.compile(r"/trends\?"), timeout=20_000)
    wait_idle(page)
    assert _params(page)["a"] == code
    heading = page.locator("h3").first.inner_text()
    assert heading.split(" · ")[0] in tip
    # the trend chart and the dimension chart are drawn
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=20_000)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 3
    assert "stedelijk gemiddelde" in page.locator('[data-testid="stMain"]').inner_text()
    wait_drawn(page)
    page.screenshot(path=str(ROOT / "docs" / "trends.png"), full_page=False)


def test_download_the_csv_of_a_selection(app_url, page, dataset):

    import pandas as pd

    page.goto(f"{app_url}/selectie?g=GM0599&b=none")
    wait_idle(page)
    page.get_by_role("tab", name="Hele gebieden").click()
    page.get_by_role("button", name="Voeg alle wijken van Rotterdam toe").click()
    page.wait_for_function("() => window.location.search.includes('s=')", timeout=20_000)
    wait_idle(page)
    with page.expect_download(timeout=30_000) as info:
        page.locator('[data-testid="stDownloadButton"]').filter(has_text="CSV").first.click()
    download = info.value
    assert re.fullmatch(r"leefbaarheid-selectie-lang-nl-[a-z]+\.csv", download.suggested_filename)
    table = pd.read_csv(download.path())
    wijken = dataset.children("GM0599")
    assert list(dict.fromkeys(table["code"])) == wijken
    row = table[(table["code"] == "WK059901") & (table["year"] == 2022)].iloc[0]
    assert row["lbm"] == dataset.value("WK059901", 2022, "lbm")
    assert row["gemeente_name"] == "Rotterdam"


def test_panning_and_zooming_do_not_rerun_the_app(app_url, page):
    sent: list[object] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(f"{app_url}/?g=GM0363&b=none")
    wait_idle(page)
    frame = map_element(page)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    before = len(sent)
    box = page.locator(MAP).bounding_box()
    x, y = box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.85  # a corner: pan without clicking an area
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y - 80, steps=8)
    page.mouse.up()
    frame.locator(".leaflet-control-zoom-in").click()
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(1500)
    assert len(sent) == before, "panning or zooming sent a rerun request to the server"


def _zoom(page) -> float:
    return float(page.evaluate(f"() => document.querySelector('{MAP}').leafletMap.getZoom()"))


def test_zoom_survives_a_click_and_a_page_switch(app_url, page):
    page.goto(f"{app_url}/?g=GM0363&b=none&j=2022")
    wait_idle(page)
    the_map = map_element(page)
    the_map.locator("path.leaflet-interactive").first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    start = _zoom(page)
    for _ in range(2):
        the_map.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(400)
    zoomed = _zoom(page)
    assert zoomed == start + 2
    before = _params(page)["a"]
    box = the_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    # the first click selects: the URL and the heading follow, and the map keeps its zoom
    page.wait_for_function(f"() => !window.location.search.includes('a={before}')", timeout=20_000)
    wait_idle(page)
    chosen = _params(page)["a"]
    assert chosen != before and chosen.startswith("WK0363")
    assert _zoom(page) == zoomed
    assert the_map.get_attribute("data-outline-version") == "2"  # drawn once on opening, once for the click

    # another year: a new choropleth, and the selection's outline stays on top of it
    page.evaluate(f"() => {{ window.__oldMap = document.querySelector('{MAP}'); }}")
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Meetjaar").first
    slider.get_by_role("slider").focus()
    page.keyboard.press("ArrowLeft")  # 2022 -> 2020
    page.wait_for_function("() => window.location.search.includes('j=2020')", timeout=20_000)
    wait_idle(page)
    assert _zoom(page) == zoomed
    assert the_map.locator(".leaflet-lv-outlines-pane path").count() >= 1
    assert the_map.locator(".leaflet-overlay-pane path.leaflet-interactive").count() >= 100

    # to Trends and back: the map comes back where the user left it
    page.get_by_role("link", name="Trends en vergelijking").click()
    page.wait_for_url(re.compile(r"/trends\?"), timeout=20_000)
    wait_idle(page)
    # the map that left the page was freed (Leaflet listens to the window's resize events)
    assert page.evaluate("() => window.__oldMap.isConnected === false && window.__oldMap.__lv === undefined")
    page.get_by_role("link", name="Kaart").click()
    wait_idle(page)
    map_element(page).locator("path.leaflet-interactive").first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    assert _zoom(page) == zoomed
    assert _params(page)["a"] == chosen


def test_the_text_box_hint_is_dutch_in_dutch_mode(app_url, page):
    page.goto(f"{app_url}/?g=GM0363&b=none&lang=nl")
    wait_idle(page)
    box = page.locator('[data-testid="stTextInput"]').first
    box.locator("input").fill("kanaleneiland noord")  # typed, not yet applied: Streamlit shows its hint
    hint = box.locator('[data-testid="InputInstructions"] > span').first
    hint.wait_for(state="attached", timeout=10_000)
    assert hint.text_content() == "Press Enter to apply"  # Streamlit's own text, hidden ...
    # (the style sheet is an element of the page: wait until the browser has drawn it)
    page.wait_for_function(
        """() => { const e = document.querySelector('[data-testid="stTextInput"] [data-testid="InputInstructions"] > span');
                   return e && getComputedStyle(e).fontSize === "0px"; }""",
        timeout=10_000,
    )
    shown = hint.evaluate("e => getComputedStyle(e, '::after').content")
    # ... and the Dutch shown instead: short, as it shares the box with the typed text and the 19/100 count
    assert shown == '"Druk op Enter"'
    # no wider than Streamlit's own English hint, which its box is made for ("Druk op Enter om toe te
    # passen" ran over the typed text in the sidebar)
    widths = hint.evaluate(
        """(e) => { const ctx = document.createElement('canvas').getContext('2d');
                    ctx.font = getComputedStyle(e, '::after').font;
                    const shown = getComputedStyle(e, '::after').content.slice(1, -1);
                    return [ctx.measureText(shown).width, ctx.measureText(e.textContent).width]; }"""
    )
    assert 0 < widths[0] <= widths[1], widths


def test_the_language_box_shows_its_whole_value(app_url, page):
    # in half the sidebar, "Nederlands" was cut to "Nederland"
    page.goto(f"{app_url}/?g=GM0363&b=none&lang=nl")
    wait_idle(page)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Taal / language")
    value = box.first.locator("input").first
    assert value.input_value() == "Nederlands"
    overflow = value.evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 0, f"the value is cut off by {overflow} px"


def test_the_scale_bar_is_clear_of_the_attribution(app_url, page):
    # in presentation mode the attribution wraps onto two lines and hid the scale bar's miles
    page.goto(f"{app_url}/?g=GM0344&a=WK034403&p=1&lang=nl")
    wait_idle(page)
    map_element(page).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    boxes = [
        page.locator(f"{MAP} {part}").first.bounding_box()
        for part in (".leaflet-control-scale", ".leaflet-control-attribution")
    ]
    scale, credit = boxes
    assert scale is not None and credit is not None
    apart = (
        scale["y"] + scale["height"] <= credit["y"]
        or credit["y"] + credit["height"] <= scale["y"]
        or scale["x"] + scale["width"] <= credit["x"]
        or credit["x"] + credit["width"] <= scale["x"]
    )
    assert apart, (scale, credit)


def test_a_link_to_kaart_opens_the_map_without_a_not_found_notice(app_url, page):
    page.goto(f"{app_url}/?g=GM0599&b=none")  # the server has run the app: /kaart is no longer its legacy page
    wait_idle(page)
    page.goto(f"{app_url}/kaart?g=GM0363&b=none&lang=en&j=1999")
    page.wait_for_url(re.compile(r"/\?g=GM0363"), timeout=20_000)
    wait_idle(page)
    map_element(page).locator("path.leaflet-interactive").first.wait_for(timeout=30_000)
    assert page.locator('[role="dialog"]').count() == 0  # Streamlit's "Page not found"
    # the link's bad year is reported on the map page the redirect opens
    assert "Not everything in the link could be used" in page.locator('[data-testid="stAlert"]').first.inner_text()
    assert page.locator("h3").first.inner_text().startswith("Haarlemmerbuurt · Amsterdam")
    assert _params(page)["lang"] == "en"


def test_a_deep_link_on_a_fresh_server_opens_its_page_without_a_not_found_notice(page):
    """The first visitor of a fresh server, by a link to the About page, in Dutch.

    Until app.py has run once, Streamlit lists the pages/ files by name; a link whose path is not a
    file name got its English "Page not found" dialog (with /data while the file was over_de_data.py).
    """
    with running_app() as base:
        page.goto(f"{base}/data?lang=nl")
        wait_idle(page, timeout=90_000)
        page.get_by_role("heading", name="Over de data").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        assert page.locator('[role="dialog"]').count() == 0  # Streamlit's "Page not found"
        assert "/data" in page.url


def test_the_file_uploader_speaks_dutch_in_dutch_mode(app_url, page):
    page.goto(f"{app_url}/programma?b=none&lang=nl")
    wait_idle(page, timeout=90_000)
    uploader = page.locator('[data-testid="stFileUploader"]').last
    uploader.wait_for(timeout=60_000)
    label = uploader.locator('button [data-testid="stMarkdownContainer"] p')
    limits = uploader.locator('[data-testid="stFileUploaderDropzoneInstructions"] span')
    assert label.text_content() == "Upload" and "per file" in limits.text_content()  # Streamlit's own, hidden
    page.wait_for_function(
        """() => { const e = document.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
                   return e && getComputedStyle(e).fontSize === "0px"; }""",
        timeout=10_000,
    )
    assert label.evaluate("e => getComputedStyle(e, '::after').content") == '"Uploaden"'
    assert "Sleep een bestand hierheen" in limits.evaluate("e => getComputedStyle(e, '::after').content")
