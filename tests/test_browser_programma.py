"""End-to-end: the programme page in a real browser (Playwright + Debian's chromium), offline.

Open the 40 aandachtswijken, read the summary sentence, upload an indicator CSV (with HTML in a
header and in a name column) and see it on the map, shown as text: nothing executes.
"""

from __future__ import annotations

import pytest

from geo import gaps, load_dataset, sets
from tests.browser import MAP, ROOT, wait_idle

pytestmark = pytest.mark.browser


def test_open_the_set_read_the_summary_upload_an_indicator(app_url, browser, tmp_path):
    ds = load_dataset()
    aset = sets.load_set("40-aandachtswijken", ds)
    groups = {e: aset.resolution.codes_of(e) for e in aset.resolution.entries}
    expected = gaps.entry_gap_table(ds, groups, 2008, 2018, set_name="de 40 aandachtswijken").summary("nl")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(f"{app_url}/programma?set=40-aandachtswijken&ya=2008&yb=2018&b=none")
        wait_idle(page, timeout=90_000)
        summary = page.locator('[data-testid="prog-summary"]')
        summary.wait_for(timeout=60_000)
        assert summary.inner_text().strip() == expected
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "programma.png"))
        # the members' outlines are thin at country zoom and thicker close up
        members = page.locator(MAP).first
        members.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        weights = """(el) => { const m = el.leafletMap; const w = [];
            m.eachLayer((l) => { if (l.feature && l.options.pane === 'overlayPane') w.push(l.options.weight); });
            return [m.getZoom(), [...new Set(w)]]; }"""
        zoom, shown = members.evaluate(weights)
        assert zoom < 10 and shown == [0.8]
        members.evaluate("(el) => el.leafletMap.setZoom(11, { animate: false })")
        page.wait_for_timeout(300)
        zoom, shown = members.evaluate(weights)
        assert zoom == 11 and shown == [2]

        csv_path = tmp_path / "indicator.csv"
        rows = ["code;<img src=x onerror=alert(1)>;naam"]
        rows += [f"{c};{i},5;<b>x</b>" for i, c in enumerate(aset.members[:20])]
        csv_path.write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8"))
        uploader = page.locator('[data-testid="stFileUploader"]').last
        uploader.locator('input[type="file"]').set_input_files(str(csv_path))
        wait_idle(page, timeout=90_000)
        legend = page.locator('[data-testid="prog-ind-legend"]')
        legend.wait_for(timeout=60_000)
        assert "<img src=x onerror=alert(1)>" in legend.inner_text()  # shown as text
        assert legend.locator("img").count() == 0  # not an element

        page.wait_for_function(f"() => document.querySelectorAll('{MAP}').length >= 2", timeout=60_000)
        ind_map = page.locator(MAP).last
        ind_map.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        assert ind_map.locator("path.leaflet-interactive").count() >= 20
        assert dialogs == []  # nothing executed
    except Exception:
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "programma-failure.png"), full_page=True)
        raise
    finally:
        context.close()


def test_the_year_boxes_show_the_years_the_summary_uses_after_the_page_ended_early(app_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()

    def shown_years() -> list[str]:
        boxes = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]')
        return [
            boxes.filter(has_text=label).first.locator("input").first.input_value() for label in ("Jaar A", "Jaar B")
        ]

    try:
        page.goto(f"{app_url}/programma?lang=nl&ya=2012&yb=2022&b=none")
        wait_idle(page, timeout=90_000)
        page.locator('[data-testid="prog-summary"]').wait_for(timeout=60_000)
        page.get_by_text("de huidige selectie", exact=True).first.click()  # empty: the page ends early
        page.get_by_text("De selectie is leeg", exact=False).first.wait_for(timeout=60_000)
        wait_idle(page, timeout=60_000)
        assert page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').count() >= 3  # controls stay
        page.wait_for_function("() => location.search.includes('set=sel')", timeout=30_000)
        page.get_by_text("de 40 aandachtswijken", exact=True).first.click()
        summary = page.locator('[data-testid="prog-summary"]')
        summary.wait_for(timeout=60_000)
        wait_idle(page, timeout=60_000)
        assert summary.inner_text().startswith("Tussen 2012 en 2022")
        assert shown_years() == ["2012", "2022"]
    except Exception:
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "programma-years-failure.png"), full_page=True)
        raise
    finally:
        context.close()
