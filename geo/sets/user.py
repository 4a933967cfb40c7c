"""User sets: a researcher's own list of areas from typed lines, a CSV upload or a link token."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from geo._errors import InputError
from geo.codes import is_valid_code
from geo.dataset import Dataset
from geo.selection import Criterion, Selection, decode_selection, encode_selection
from geo.sets.area_set import AreaSet
from geo.sets.resolution import Match, Resolution
from geo.sets.resolve import Entry, resolve_names

__all__ = [
    "DEFAULT_NAME",
    "MAX_USER_MEMBERS",
    "decode_set",
    "encode_set",
    "set_from_codes",
    "set_from_csv",
    "set_from_text",
]

#: Most members a user set may have (a shared link must stay short enough).
MAX_USER_MEMBERS: Final[int] = 2000


#: The name of a set the user did not name: (Dutch, English). "Tussen 2012 en 2022 verkleinden 1 van
#: de 2 gebieden van mijn set ..." / "... of my set".
DEFAULT_NAME: Final[tuple[str, str]] = ("mijn set", "my set")
#: Names that mean "the default" (also those of earlier versions, in links made then).
_DEFAULT_NAMES: Final[frozenset[str]] = frozenset({"mijn set", "my set", "eigen set", "own set"})


def set_from_codes(
    ds: Dataset,
    codes: Iterable[str],
    *,
    name: str = DEFAULT_NAME[0],
    description: str = "",
    source: str = "",
    resolution: Resolution | None = None,
) -> AreaSet:
    """Make a user set from codes (the current selection, a corrected resolution).

    Raises
    ------
    ValueError
        When a code is malformed or not in the dataset (all such codes are named), when there
        are none, or more than :data:`MAX_USER_MEMBERS`.
    """
    members = tuple(dict.fromkeys(str(c).strip().upper() for c in codes if str(c).strip()))
    if not members:
        raise InputError(
            "the set has no members; add codes (WK0344 03 is written WK034403) or names",
            "de set heeft geen gebieden; voeg codes (WK0344 03 schrijft u als WK034403) of namen toe",
        )
    if len(members) > MAX_USER_MEMBERS:
        raise InputError(
            f"the set has {len(members)} members; at most {MAX_USER_MEMBERS} are allowed; remove some",
            f"de set heeft {len(members)} gebieden; er mogen er hooguit {MAX_USER_MEMBERS} zijn; laat er een paar weg",
        )
    Selection().add_codes(ds, members)  # validates every code, naming the bad ones
    name = name.strip()[:80]
    if not name or name.casefold() in _DEFAULT_NAMES:  # the default in either language: named in both
        return AreaSet("user", DEFAULT_NAME[0], description, source, members, resolution, name_en=DEFAULT_NAME[1])
    return AreaSet("user", name, description, source, members, resolution)


def set_from_text(ds: Dataset, text: str, *, name: str = DEFAULT_NAME[0]) -> AreaSet:
    """Make a user set from typed lines: a CBS code, or ``gemeente; name`` / ``gemeente, name``.

    Codes are taken as they are; names go through :func:`geo.sets.resolve.resolve_names` (buurten are kept as
    buurten) and the set's resolution says how each was matched.

    Raises
    ------
    ValueError
        Naming every line that is neither a known code nor ``gemeente; name``.
    """
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    return _set_from_rows(ds, [(i, ln) for i, ln in enumerate(lines, start=1) if ln], name=name, what="line")


def _set_from_rows(ds: Dataset, rows: Sequence[tuple[int, str]], *, name: str, what: str) -> AreaSet:
    codes: list[str] = []
    entries: list[Entry] = []
    problems: list[tuple[str, str]] = []
    where = "regel"  # a typed line, or a line of the CSV file (its row)
    for n, raw in rows:
        item = raw.strip().strip('"').strip()
        upper = item.upper()
        if is_valid_code(upper):
            if ds.has(upper):
                codes.append(upper)
                entries.append(Entry(ds.name(f"GM{upper[2:6]}") if ds.has(f"GM{upper[2:6]}") else "", upper, upper))
            else:
                problems.append(
                    (
                        f"{what} {n}: code {upper} is not in the dataset",
                        f"{where} {n}: code {upper} staat niet in de dataset",
                    )
                )
            continue
        parts = re.split(r"\s*[;:\t]\s*|\s*,\s*", item, maxsplit=1)
        if len(parts) != 2 or not parts[0] or not parts[1]:
            problems.append(
                (
                    f"{what} {n}: {item[:40]!r} is neither a code nor 'gemeente; naam'",
                    f"{where} {n}: {item[:40]!r} is geen code en geen 'gemeente; naam'",
                )
            )
            continue
        entries.append(Entry(parts[0], parts[1], f"{parts[0]} {parts[1]}"))
    if problems:
        n, more = len(problems), " ..." if len(problems) > 20 else ""
        raise InputError(
            f"{n} {'problem' if n == 1 else 'problems'}: " + "; ".join(en for en, _ in problems[:20]) + more,
            f"{n} {'probleem' if n == 1 else 'problemen'}: " + "; ".join(nl for _, nl in problems[:20]) + more,
        )
    unique = list({e.label: e for e in entries}.values())
    code_entries = {e.label for e in unique if is_valid_code(e.label)}
    named = [e for e in unique if e.label not in code_entries]
    resolution = resolve_names(ds, named, to_wijk=False) if named else Resolution(())
    code_matches = tuple(
        Match(
            c, ds.name(f"GM{c[2:6]}") if ds.has(f"GM{c[2:6]}") else "", c, c, ds.name(c), "exact", 1.0, "", "resolver"
        )
        for c in dict.fromkeys(codes)
    )
    merged = Resolution(code_matches + resolution.matches)
    if not merged.codes:
        raise InputError(
            "none of the names could be matched to an area; check the spelling or use codes",
            "geen van de namen hoort bij een gebied; controleer de spelling of gebruik codes",
        )
    return set_from_codes(ds, merged.codes, name=name, resolution=merged)


def set_from_csv(ds: Dataset, data: bytes, *, name: str = DEFAULT_NAME[0]) -> AreaSet:
    """Make a user set from an uploaded CSV with a ``code`` column, or ``gemeente`` and ``naam``/``wijk``.

    The bytes are checked like an indicator upload (size, encoding, separator); see
    :func:`geo.indicator.read_table`.

    Raises
    ------
    ValueError
        With every problem and its row number.
    """
    from geo.indicator import read_table

    table = read_table(data)
    cols = {c.strip().lower(): c for c in table.columns}
    code_col = next((cols[k] for k in ("code", "gwb_code", "wk_code", "bu_code") if k in cols), None)
    rows: list[tuple[int, str]] = []
    if code_col is not None:
        rows = [(i + 2, str(v)) for i, v in enumerate(table[code_col]) if str(v).strip()]
    else:
        gm_col = cols.get("gemeente")
        nm_col = next((cols[k] for k in ("naam", "name", "wijk", "buurt") if k in cols), None)
        if gm_col is None or nm_col is None:
            shown = ", ".join(map(repr, list(table.columns)[:10]))
            raise InputError(
                f"the file has columns {shown}; it needs a column 'code' (WK034403), or the columns 'gemeente' "
                "and 'naam'",
                f"het bestand heeft de kolommen {shown}; het heeft een kolom 'code' (WK034403) nodig, of de kolommen "
                "'gemeente' en 'naam'",
            )
        rows = [
            (i + 2, f"{g}; {n}")
            for i, (g, n) in enumerate(zip(table[gm_col], table[nm_col], strict=True))
            if str(n).strip()
        ]
    return _set_from_rows(ds, rows, name=name, what="row")


def encode_set(aset: AreaSet) -> str:
    """Return a URL-safe token for a set: the selection token of :mod:`geo.selection` with its name."""
    crit = Criterion(f"set: {aset.name}", f"set: {aset.title('en')}")
    return encode_selection(Selection(aset.members, (crit,)))


def decode_set(ds: Dataset, token: str) -> AreaSet:
    """Turn a token from :func:`encode_set` back into a user set (codes validated).

    Raises
    ------
    ValueError
        When the token is damaged or names codes that are not in the dataset.
    """
    sel = decode_selection(ds, token)
    name = DEFAULT_NAME[0]
    if sel.criteria and sel.criteria[0].nl.startswith("set: "):
        name = sel.criteria[0].nl[5:][:80]
    return set_from_codes(ds, sel.codes, name=name)
