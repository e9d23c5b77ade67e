"""Keyset pagination for the lists that grow without end (notifications, the audit).

A page is asked for by a `limit` and an opaque `cursor`: the keyset of the last item of
the previous page, so the next page is an index range scan that starts where that one
stopped — as fast at the millionth item as at the first, and never skipping or repeating
an item when new ones arrive meanwhile (they are newer, and pages go back in time).

The cursor is base64url of a small JSON array naming what it is a cursor of and the
keyset's values. It carries no rights: every query it is given to is already filtered to
what the caller may read, so a crafted cursor can only move within that.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bairn.errors import Invalid

T = TypeVar("T")

BAD_CURSOR = "Not a cursor this list gave: start again without one."


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, newest first, and the cursor of the next (older) one: None on
    the last page."""

    items: list[T]
    next: str | None


def check_limit(limit: int, most: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= most:
        raise Invalid({"limit": f"Ask for between 1 and {most} items."})
    return limit


def encode(kind: str, *values: object) -> str:
    raw = json.dumps([kind, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(kind: str, cursor: str, arity: int) -> list[object]:
    """The keyset values of a cursor of this kind, or Invalid naming `cursor`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        found = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise Invalid({"cursor": BAD_CURSOR}) from None
    if not isinstance(found, list) or len(found) != arity + 1 or found[0] != kind:
        raise Invalid({"cursor": BAD_CURSOR})
    return list(found[1:])


def encode_moment_id(kind: str, at: dt.datetime, pk: uuid.UUID) -> str:
    return encode(kind, at.astimezone(dt.UTC).isoformat(), str(pk))


def decode_moment_id(kind: str, cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    at, pk = decode(kind, cursor, 2)
    try:
        if not isinstance(at, str) or not isinstance(pk, str):
            raise ValueError
        moment = dt.datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError
        return moment, uuid.UUID(pk)
    except ValueError:
        raise Invalid({"cursor": BAD_CURSOR}) from None


def encode_number(kind: str, number: int) -> str:
    return encode(kind, number)


def decode_number(kind: str, cursor: str) -> int:
    (number,) = decode(kind, cursor, 1)
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise Invalid({"cursor": BAD_CURSOR})
    return number


def cut(rows: Sequence[T], limit: int) -> tuple[list[T], bool]:
    """The page of rows fetched as limit + 1, and whether another page follows."""
    return list(rows[:limit]), len(rows) > limit
