"""The link token of a selection: a short URL-safe text that a link carries, and back.

See :mod:`geo.selection` for the format.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import zlib
from collections import Counter
from typing import Final, cast

from geo.codes import is_valid_code
from geo.dataset import Dataset
from geo.selection.model import Criterion, Selection, _shown

__all__ = ["MAX_CRITERIA", "MAX_CRITERION_LENGTH", "MAX_TOKEN_LENGTH", "decode_selection", "encode_selection"]

#: Longest token :func:`decode_selection` accepts (characters).
MAX_TOKEN_LENGTH: Final[int] = 100_000
#: Largest decompressed payload :func:`decode_selection` accepts (bytes).
_MAX_PAYLOAD: Final[int] = 2_000_000
_VERSION: Final[str] = "1"

#: Limits on the criteria a link may carry: their text is shown to whoever opens the link.
MAX_CRITERIA = 50
MAX_CRITERION_LENGTH = 300


def encode_selection(selection: Selection) -> str:
    """Encode a selection as a short URL-safe token (see the module docstring for the format).

    Parameters
    ----------
    selection : Selection

    Returns
    -------
    str
        Letters, digits, ``-`` and ``_`` only; decode with :func:`decode_selection`.
    """
    runs = [
        key + ":" + ",".join(c[6:] for c in group)
        for key, group in itertools.groupby(selection.codes, key=lambda c: c[:6])
    ]
    payload = {"c": ";".join(runs), "q": [[c.nl, c.en] for c in selection.criteria]}
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode("ascii")
    return _VERSION + packed


def _invalid(detail: str) -> ValueError:
    return ValueError(
        f"`token` is not a valid selection link ({detail}); copy the whole link again, or rebuild the selection"
    )


def _unpack(token: str) -> dict[str, object]:
    if not isinstance(token, str) or not token:
        raise _invalid(f"expected a non-empty string, got {token!r}")
    if len(token) > MAX_TOKEN_LENGTH:
        raise _invalid(f"{len(token)} characters, at most {MAX_TOKEN_LENGTH} are accepted")
    if token[0] != _VERSION:
        raise _invalid(f"format version {token[0]!r}, expected {_VERSION!r}")
    body = token[1:]
    if body.strip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"):
        raise _invalid("it holds characters other than letters, digits, '-' and '_'")
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, _MAX_PAYLOAD)
        if inflater.unconsumed_tail:
            raise _invalid(f"it unpacks to more than {_MAX_PAYLOAD} bytes")
        if not inflater.eof:
            raise _invalid("it is truncated")
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _invalid(f"it does not unpack: {exc}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), str) or not isinstance(payload.get("q"), list):
        raise _invalid("its content has an unknown layout")
    return payload


def _codes_of(runs: str) -> list[str]:
    codes: list[str] = []
    if not runs:
        return codes
    for run in runs.split(";"):
        key, sep, rest = run.partition(":")
        if not sep:
            raise _invalid(f"run {run[:20]!r} has no ':'")
        codes.extend(key + suffix for suffix in rest.split(","))
    return codes


def decode_selection(ds: Dataset, token: str) -> Selection:
    """Decode a token made by :func:`encode_selection`, validating every code.

    Parameters
    ----------
    ds : Dataset
        Every code must be an area of it.
    token : str
        The token, e.g. from a URL query parameter.

    Returns
    -------
    Selection
        Codes in their encoded order, and the criteria.

    Raises
    ------
    ValueError
        When the token is malformed, truncated or too large; when a code breaks the CBS
        patterns, appears twice, or is not in the dataset (every such code is named).
    """
    payload = _unpack(token)
    codes = _codes_of(str(payload["c"]))
    criteria_raw = cast(list[object], payload["q"])  # a list, checked by _unpack
    bad = [repr(c) for c in codes if not is_valid_code(c)]
    if bad:
        msg = (
            f"the selection link holds {len(bad)} value(s) that are not CBS area codes: {_shown(bad)}; "
            "expected GM plus 4 digits (GM0363), WK plus 6 (WK0363AA) or BU plus 8 (BU0363AA01)"
        )
        raise ValueError(msg)
    twice = sorted(c for c, n in Counter(codes).items() if n > 1)
    if twice:
        msg = f"the selection link lists {len(twice)} code(s) twice: {_shown(twice)}; rebuild the selection"
        raise ValueError(msg)
    unknown = [c for c in codes if not ds.has(c)]
    if unknown:
        msg = (
            f"the selection link holds {len(unknown)} code(s) that are not areas of this dataset: "
            f"{_shown(unknown)}; they may come from another dataset version, rebuild the selection"
        )
        raise ValueError(msg)
    if len(criteria_raw) > MAX_CRITERIA:
        raise _invalid(f"{len(criteria_raw)} criteria, at most {MAX_CRITERIA} are accepted")
    criteria = []
    for item in criteria_raw:
        if isinstance(item, list) and any(isinstance(x, str) and len(x) > MAX_CRITERION_LENGTH for x in item):
            raise _invalid(f"a criterion is longer than {MAX_CRITERION_LENGTH} characters")
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(t, str) for t in item)):
            raise _invalid("a criterion is not a pair of texts")
        criteria.append(Criterion(item[0], item[1]))
    return Selection(tuple(codes), tuple(criteria))
