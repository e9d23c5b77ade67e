"""Errors the services raise and the API and pages turn into clear answers."""

from __future__ import annotations


class Invalid(Exception):
    """Bad input: each bad field named with why. Nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class Conflict(Exception):
    """A duplicate, or a change made against a stale version. Nothing was saved."""

    def __init__(self, message: str, *, field: str | None = None, **extra: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra


class TooMany(Exception):
    """Too many requests of one kind in a while (→ 429): try again after `retry_after`
    seconds. Nothing was done."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
