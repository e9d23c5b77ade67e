"""Shared pieces of the API's schemas."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Any, get_args

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bairn.access.policy import NotVisible


def _no_nul(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("Text may not contain the NUL character.")
    elif isinstance(value, list | tuple):
        for item in value:
            _no_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)


class Input(Schema):
    """Every request body and query: unknown fields are refused, not silently dropped,
    and no text may hold a NUL (PostgreSQL cannot store it)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value: Any, info: ValidationInfo) -> Any:
        _no_nul(value)
        # A field declared as a bare dt.date/dt.datetime refuses numbers too, as Day does.
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and value is not None and _takes_time(field.annotation):
            _iso_text(value)
        return value


class Output(Schema):
    """Every response body. Documented as closed (no other fields), as an `Input` is, but
    none of the request-side checks run on it: what we answer was stored, so it holds no
    NUL, and its dates are dates. A dict built by a view is validated once, as it is
    (ninja would validate a closed schema twice, the second time field by field through
    its `DjangoGetter`); anything else (a record, a dataclass) is read through the
    getter, as ninja does."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        if type(values) is dict:
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class StepUpIn(Input):
    """The body of a dangerous act, which may carry the fresh two-factor code it needs
    (api/stepup.py) instead of the X-Bairn-OTP header."""

    otp: str | None = Field(
        default=None,
        max_length=12,
        description="A fresh code from the caller's authenticator app (or X-Bairn-OTP).",
    )


class ErrorItem(Schema):
    field: str
    message: str
    type: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


class ForbiddenOut(Schema):
    detail: str
    reasons: list[str]


class DetailOut(Schema):
    detail: str


EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


def _plausible(value: dt.date) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"Give a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def _uk_time(value: dt.datetime) -> dt.datetime:
    """A time without an offset is read as UK time, where Bairn's users are."""
    _plausible(value)
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def _day(value: dt.date) -> dt.date:
    _plausible(value)
    return value


NUMBER = re.compile(r"\s*[+-]?\d+(\.\d*)?\s*")


def _iso_text(value: Any) -> Any:
    """Dates and times are ISO 8601 text. pydantic would read a number (or text of digits)
    as seconds since 1970, so `date_of_birth: 0` became 1 January 1970: refused."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and NUMBER.fullmatch(value)
    ):
        raise ValueError("Give a date as YYYY-MM-DD (or a time as ISO 8601), not a number.")
    return value


# Times as sent: ISO 8601, with an offset (or UK time when it has none).
Moment = Annotated[dt.datetime, BeforeValidator(_iso_text), AfterValidator(_uk_time)]
# Dates between 1900 and 2200: anything else is a typing slip, not a date of ours.
Day = Annotated[dt.date, BeforeValidator(_iso_text), AfterValidator(_day)]
# A query's `from`/`to`: a date (the whole day) or a time.
DayOrMoment = Annotated[dt.date, BeforeValidator(_iso_text), AfterValidator(_day)] | Moment


def _takes_time(annotation: Any) -> bool:
    """Whether a field's type is (or includes) a date or a time."""
    if annotation in (dt.date, dt.datetime):
        return True
    return any(_takes_time(arg) for arg in get_args(annotation))


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5_000)]
Postcode = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10)]
Summary = Annotated[str, Field(min_length=1, max_length=500)]


def _email(value: str) -> str:
    """An address as Django's forms accept it. Unlike pydantic's EmailStr, this does not
    refuse test and internal domains (`.test`, `.local`, `.invalid`), which councils use
    on their own networks and in training systems."""
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError("Give an e-mail address such as name@example.org.") from None
    return value


Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]


ERRORS = {400: ErrorOut, 404: DetailOut, 403: ForbiddenOut, 409: ErrorOut, 422: ErrorOut}


def parse_id(value: str) -> uuid.UUID:
    """An id from a path. Anything that is not one of ours is simply not found."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotVisible(value) from None


def reject_unknown_query(request: Any, model: type[Schema]) -> None:
    """ninja ignores query parameters it does not know; a typing slip in a filter must
    not quietly return everything."""
    from bairn.errors import Invalid

    known = {f.alias or name for name, f in model.model_fields.items()}
    unknown = sorted(set(request.GET) - known)
    if unknown:
        raise Invalid(dict.fromkeys(unknown, "Unknown query parameter."))


def moment(value: dt.date | dt.datetime | None, *, end: bool = False) -> dt.datetime | None:
    """A query's `from`/`to` as a time. A date means the start of that day in the UK, or,
    for the end of a period, the start of the next, so the whole day is included."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _uk_time(value)
    day = value + dt.timedelta(days=1) if end else value
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
