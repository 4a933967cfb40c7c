"""Sections several pages share below their own content: the ranked list, and the export and brief buttons.

Each is cached where it costs a rerun's time: the ranking per (level, year, measure, gemeente,
minimum inhabitants, language); the export files on the selection's link token and the options;
the brief per (area, year, language).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

import geo
import ui
from geo.selection import decode_selection
from geo.view import View
from ui import current_selection, lang, measure_label, set_selection, t, table

if TYPE_CHECKING:
    from geo import export as geo_export
    from geo.ranking import Ranking

__all__ = ["brief", "brief_buttons", "export_files", "ranking", "ranking_section"]


@st.cache_data(show_spinner=False, max_entries=64)
def ranking(
    level: str, year: int, measure: str, gemeente: str | None, min_population: int, lang_code: geo.Lang
) -> Ranking:
    """Rank the areas of a map (:func:`geo.ranking.ranking`)."""
    from geo.ranking import ranking as _ranking

    return _ranking(
        ui.dataset(), level, year, measure, gemeente=gemeente, min_population=min_population, lang=lang_code
    )


def ranking_section(v: View) -> None:
    """Show the ranked list of the map's areas (the country, or the gemeente) with inhabitants."""
    national = v.national
    title = (
        t("Rangorde van het land", "National ranking")
        if national
        else t("Rangorde in de gemeente", "Ranking in the municipality")
    )
    # Built only when shown: on a gemeente map the table waits for the toggle (it costs a rerun's time).
    if not national and not st.toggle(title, key="show_ranking"):
        return
    with st.container(border=True):
        if national:
            st.markdown(f"**{title}**")
        c1, c2, c3 = st.columns([1, 1, 1.2])
        which = c1.radio(
            t("Toon", "Show"),
            ["bottom", "top"],
            format_func={"bottom": t("zwakste", "weakest"), "top": t("sterkste", "strongest")}.__getitem__,
            key="rank_side",
            horizontal=True,
        )
        count = c2.number_input(t("Aantal", "Number"), min_value=5, max_value=500, value=20, step=5, key="rank_n")
        min_pop = c3.number_input(
            t("Minimaal aantal inwoners", "Minimum inhabitants"),
            min_value=0,
            max_value=100_000,
            value=100,
            step=50,
            key="rank_min_pop",
        )
        r = ranking(v.level, v.year, v.measure, None if national else v.gemeente, int(min_pop), lang())
        rows = (r.bottom(int(count)) if which == "bottom" else r.top(int(count))).copy()
        notes = r.notes(lang())
        if r.n_small:  # the key figures' rank counts them: say why the two numbers differ
            notes.append(
                t(
                    "'Plaats in de lijst' telt alleen de gebieden in deze lijst; de positie bij de kerncijfers "
                    "telt alle gebieden met een score.",
                    "'Place in list' counts only the areas in this list; the rank in the key figures counts "
                    "every area with a score.",
                )
            )
        st.caption(" ".join(notes))
        shown = rows.rename(
            columns={
                "rank": t("Plaats in de lijst", "Place in list"),
                "code": "Code",
                "name": t("Naam", "Name"),
                "gemeente": t("Gemeente", "Municipality"),
                "value": measure_label(v.measure),
                "class": t("Klasse", "Class"),
                "class_name": t("Oordeel", "Rating"),
                "population": t("Inwoners", "Inhabitants"),
                "previous_year": t("Vorige meting", "Previous"),
                "change": t("Verandering", "Change"),
            }
        )
        if (national and v.level == "gemeente") or not national:
            shown = shown.drop(columns=[t("Gemeente", "Municipality")]) if not national else shown
        table(shown, decimals={t("Inwoners", "Inhabitants"): 0}, key="ranking_table")
        if not national or v.level != "gemeente":
            st.button(
                t(
                    f"Zet deze {len(rows)} gebieden in de selectie (voor export)",
                    f"Add these {len(rows)} areas to the selection (for export)",
                ),
                key="rank_to_selection",
                on_click=_add_to_selection,
                args=(list(rows["code"]),),
            )


def _add_to_selection(codes: list[str]) -> None:
    set_selection(current_selection().add_codes(ui.dataset(), codes))


# -- exports (cached on the selection token and the options) ------------------------------------
@st.cache_data(show_spinner=False, max_entries=32)
def export_files(
    token: str, layout: str, dutch: bool, bom: bool, decimals: int | None, lang_code: str
) -> geo_export.ExportFiles:
    """All export files of a selection (CSV, metadata, GeoJSON, GeoPackage), as the command line writes them."""
    from geo import export

    ds = ui.dataset()
    options = export.ExportOptions(
        layout=layout,  # type: ignore[arg-type]
        dutch=dutch,
        bom=bom,
        decimals=decimals,
        lang=lang_code,  # type: ignore[arg-type]
    )
    return export.export_files(ds, decode_selection(ds, token), options)


def brief_buttons(v: View, *, key: str, measure: str = "lbm", period: tuple[int, int] | None = None) -> None:
    """Offer the meeting brief of the view's area and year: one button makes it, then PDF and PNG downloads.

    The brief takes about a second to draw, so it is made on request (and cached). File names say
    the area, the year and the language (:func:`geo.brief.brief_filename`). ``key`` keeps the
    widgets of different pages apart. ``measure`` and ``period`` are the gap the page shows (the
    Trends page's measure and Van/Tot), so the brief's gap sentence says what the page says.
    """
    ds = ui.dataset()
    if v.national:
        return
    if ds.value(v.area, v.year) is None:
        st.caption(t(f"Geen vergaderbrief: geen score in {v.year}.", f"No meeting brief: no score in {v.year}."))
        return
    lang_code = lang()
    wanted = (v.area, v.year, lang_code, measure, period)
    state = f"_brief_{key}"
    if st.session_state.get(state) != wanted:
        st.button(
            t("Vergaderbrief (PDF, PNG)", "Meeting brief (PDF, PNG)"),
            key=f"{key}_brief_make",
            icon=":material/description:",
            on_click=st.session_state.__setitem__,
            args=(state, wanted),
            help=t(
                "Eén A4-pagina: kaart met buren, ontwikkeling, achterstand op de stad en samenvatting.",
                "One A4 page: map with neighbours, trend, gap to the city and summary.",
            ),
        )
        return
    from geo.brief import brief_filename  # matplotlib: imported only once a brief is asked for

    pdf, png = brief(v.area, v.year, lang_code, measure, period)
    for col, (data, suffix, mime) in zip(
        st.columns(2), ((pdf, "pdf", "application/pdf"), (png, "png", "image/png")), strict=True
    ):
        col.download_button(
            t(f"Brief als {suffix.upper()}", f"Brief as {suffix.upper()}"),
            data,
            brief_filename(ds, v.area, v.year, lang_code, suffix, measure=measure, period=period),
            mime,
            key=f"{key}_brief_{suffix}",
            icon=":material/download:",
        )


@st.cache_data(show_spinner=False, max_entries=16)
def brief(
    code: str, year: int, lang_code: geo.Lang, measure: str = "lbm", period: tuple[int, int] | None = None
) -> tuple[bytes, bytes]:
    """Make the one-page meeting brief of an area and year, as (PDF, PNG); its gap on ``measure`` over ``period``."""
    from geo.brief import render_brief

    return render_brief(ui.dataset(), code, year, lang=lang_code, measure=measure, period=period)
