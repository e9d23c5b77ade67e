"""Community Health Index numbers (DOMAIN §2).

Ten digits: DDMMYY of the date of birth, two more, a ninth that is even for female and odd
for male, and a tenth modulus-11 check digit.
"""

from __future__ import annotations

import datetime as dt
import unicodedata


class ChiError(ValueError):
    """Why a CHI number is not acceptable, in words a practitioner can act on."""


def check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None where no digit is possible."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_chi(chi: str, date_of_birth: dt.date | None = None, sex: str | None = None) -> str:
    """Return the normalised CHI number or raise ChiError naming what is wrong."""
    # NFKC reads full-width and other compatibility digits as the ASCII ones they show.
    digits = unicodedata.normalize("NFKC", chi).replace(" ", "").replace("-", "")
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        raise ChiError("A CHI number is 10 digits.")
    dd, mm, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    if not 1 <= mm <= 12 or not 1 <= dd <= 31:
        raise ChiError("The first six digits of a CHI number are the date of birth, DDMMYY.")
    expected = check_digit(digits[:9])
    if expected is None or expected != int(digits[9]):
        raise ChiError("The check digit (the tenth digit) of this CHI number is wrong.")
    if date_of_birth is not None and (dd, mm, yy) != (
        date_of_birth.day,
        date_of_birth.month,
        date_of_birth.year % 100,
    ):
        raise ChiError("The CHI number does not agree with the date of birth.")
    if date_of_birth is None:
        try:
            dt.date(2000 + yy, mm, dd)
        except ValueError:
            # 29 February needs a leap year; 2000 is one and so is 1900+yy where 2000+yy is.
            raise ChiError(
                "The first six digits of a CHI number are the date of birth, DDMMYY."
            ) from None
    sex_digit = int(digits[8])
    if sex == "female" and sex_digit % 2 == 1:
        raise ChiError("The ninth digit of this CHI number is odd, which means male.")
    if sex == "male" and sex_digit % 2 == 0:
        raise ChiError("The ninth digit of this CHI number is even, which means female.")
    return digits


def make_chi(date_of_birth: dt.date, serial: int, sex: str) -> str:
    """A valid CHI number for test and demo data (serial 0–99 picks among them)."""
    base = date_of_birth.strftime("%d%m%y")
    for n in range(serial * 10, 1000):
        first_nine = f"{base}{n:03d}"
        sex_digit = int(first_nine[8])
        if (sex_digit % 2 == 0) != (sex == "female"):
            continue
        check = check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)
    raise ValueError("no CHI number available for that serial")
