"""Community Health Index numbers (DOMAIN §2): bairn.people.chi, without a database.

Ten digits: the date of birth DDMMYY, two more digits, a ninth that is even for female
and odd for male, and a tenth, the modulus-11 check digit: the first nine digits are
weighted 10, 9, … 2 and summed; the check digit is 11 minus the remainder of the sum
divided by 11, where 11 means 0 and 10 means no number can be made of those nine digits.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from bairn.people.chi import ChiError, check_digit, make_chi, validate_chi

pytestmark = pytest.mark.nodb

# Dates across both centuries, month ends, the leap day, and single-digit days and months
# (the leading zeros of DDMMYY).
DATES = [
    dt.date(1900, 1, 1),
    dt.date(1959, 12, 31),
    dt.date(1972, 2, 29),
    dt.date(1999, 9, 9),
    dt.date(2000, 1, 1),
    dt.date(2000, 2, 29),
    dt.date(2004, 10, 5),
    dt.date(2011, 4, 30),
    dt.date(2016, 2, 29),
    dt.date(2017, 3, 14),
    dt.date(2019, 6, 1),
    dt.date(2023, 5, 2),
    dt.date(2024, 11, 30),
    dt.date(2025, 12, 31),
]
SEXES = ["female", "male"]
SERIALS = [0, 1, 2, 17, 50, 98]


def valid_numbers() -> list[tuple[str, dt.date, str]]:
    return [
        (make_chi(day, serial, sex), day, sex)
        for day, sex, serial in itertools.product(DATES, SEXES, SERIALS)
    ]


# --- valid numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("sex", SEXES)
@pytest.mark.parametrize("day", DATES, ids=str)
def test_made_numbers_validate_with_their_date_of_birth_and_sex(day: dt.date, sex: str) -> None:
    for serial in SERIALS:
        chi = make_chi(day, serial, sex)
        assert len(chi) == 10
        assert chi.isascii()
        assert chi.isdigit()
        assert chi[:6] == day.strftime("%d%m%y")
        assert int(chi[8]) % 2 == (0 if sex == "female" else 1)
        assert validate_chi(chi) == chi
        assert validate_chi(chi, day) == chi
        assert validate_chi(chi, day, sex) == chi
        assert validate_chi(chi, day, "not_known") == chi
        assert validate_chi(chi, day, "indeterminate") == chi


def test_made_numbers_differ_by_serial() -> None:
    day = dt.date(2017, 3, 14)
    for sex in SEXES:
        numbers = {make_chi(day, serial, sex) for serial in range(100)}
        assert len(numbers) > 40  # serials far apart give different numbers


def test_a_hand_worked_example() -> None:
    # Born 14 March 2017: 140317, then 12, then 3 (odd: male).
    #   digits   1   4   0   3   1   7   1   2   3
    #   weights 10   9   8   7   6   5   4   3   2
    #   products 10 +36 + 0 +21 + 6 +35 + 4 + 6 + 6 = 124
    #   124 = 11 × 11 + 3, so the remainder is 3 and the check digit is 11 − 3 = 8.
    assert check_digit("140317123") == 8
    assert validate_chi("1403171238", dt.date(2017, 3, 14), "male") == "1403171238"
    # With 7 as ninth digit the sum is 124 − 6 + 14 = 132 = 11 × 12: remainder 0,
    # 11 − 0 = 11, which is written 0.
    assert check_digit("140317127") == 0
    assert validate_chi("1403171270", dt.date(2017, 3, 14), "male") == "1403171270"
    # With 2 as ninth digit the sum is 124 − 6 + 4 = 122 = 11 × 11 + 1: remainder 1,
    # 11 − 1 = 10, which is not a digit: no CHI number begins 140317122.
    assert check_digit("140317122") is None


def test_ten_as_check_digit_is_impossible() -> None:
    for last in "0123456789":
        with pytest.raises(ChiError, match="check digit"):
            validate_chi("140317122" + last)
    # And make_chi never makes one.
    for chi, _, _ in valid_numbers():
        assert check_digit(chi[:9]) is not None


# --- every single-digit mistake is caught ------------------------------------------------


def test_every_single_digit_change_is_caught_by_the_check_digit() -> None:
    """Modulus 11 with weights 10…1 (the check digit weighs 1): changing one digit by d
    changes the sum by d × weight, and 11, being prime and larger than both, divides
    neither. So no single wrong digit leaves a valid number."""
    checked = 0
    for chi, _, _ in valid_numbers():
        for position, digit in itertools.product(range(10), "0123456789"):
            if digit == chi[position]:
                continue
            wrong = chi[:position] + digit + chi[position + 1 :]
            assert check_digit(wrong[:9]) != int(wrong[9]), (chi, wrong)
            with pytest.raises(ChiError):
                validate_chi(wrong)
            checked += 1
    assert checked == len(valid_numbers()) * 10 * 9


def test_every_swap_of_neighbouring_digits_is_caught() -> None:
    for chi, _, _ in valid_numbers():
        for position in range(9):
            a, b = chi[position], chi[position + 1]
            if a == b:
                continue
            swapped = chi[:position] + b + a + chi[position + 2 :]
            with pytest.raises(ChiError):
                validate_chi(swapped)


# --- the number must agree with the child --------------------------------------------------


@pytest.mark.parametrize(
    "other",
    [
        dt.date(2017, 3, 15),  # the next day
        dt.date(2017, 4, 14),  # another month
        dt.date(2018, 3, 14),  # another year
        dt.date(2017, 3, 13),  # the day before
    ],
    ids=str,
)
def test_a_number_that_disagrees_with_the_date_of_birth_is_refused(other: dt.date) -> None:
    chi = make_chi(dt.date(2017, 3, 14), 1, "female")
    with pytest.raises(ChiError, match="date of birth"):
        validate_chi(chi, other)
    with pytest.raises(ChiError, match="date of birth"):
        validate_chi(chi, other, "female")


def test_the_century_is_not_in_the_number() -> None:
    """DDMMYY cannot tell 1917 from 2017: both agree with the same number."""
    chi = make_chi(dt.date(2017, 3, 14), 1, "female")
    assert validate_chi(chi, dt.date(1917, 3, 14)) == chi


@pytest.mark.parametrize(("made_as", "given"), [("female", "male"), ("male", "female")])
def test_a_ninth_digit_that_disagrees_with_sex_is_refused(made_as: str, given: str) -> None:
    for day in DATES:
        chi = make_chi(day, 1, made_as)
        with pytest.raises(ChiError, match="ninth digit"):
            validate_chi(chi, day, given)
        with pytest.raises(ChiError, match="ninth digit"):
            validate_chi(chi, None, given)


def test_sex_not_known_accepts_either_parity() -> None:
    day = dt.date(2019, 6, 1)
    for made_as, sex in itertools.product(SEXES, [None, "", "not_known", "indeterminate"]):
        chi = make_chi(day, 4, made_as)
        assert validate_chi(chi, day, sex) == chi


# --- what is and is not a CHI number -------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["1403171238", "140317 1238", "140 317 1238", " 1403171238 ", "140317-1238", "14 03 17 12 38"],
)
def test_spaces_are_allowed_and_removed(written: str) -> None:
    assert validate_chi(written) == "1403171238"
    assert validate_chi(written, dt.date(2017, 3, 14), "male") == "1403171238"


@pytest.mark.parametrize(
    "written",
    [
        "",
        "   ",
        "140317123",  # nine digits
        "14031712380",  # eleven
        "140317123A",
        "14031712 B8",
        "1403I71238",  # a capital I for a one
        "14O3171238",  # a capital O for a nought
        "+403171238",
        "1403171238.",
        "0.1403171238",
    ],
)
def test_not_ten_digits_is_refused(written: str) -> None:
    with pytest.raises(ChiError, match="10 digits"):
        validate_chi(written)


@pytest.mark.parametrize(
    "written",
    [
        "0000000000",  # day 00
        "3200001234",  # day 32
        "0100001234",  # month 00
        "0113001234",  # month 13
    ],
)
def test_a_first_six_that_is_no_date_is_refused(written: str) -> None:
    # Make the check digit right, so that only the date can be wrong.
    check = check_digit(written[:9])
    if check is None:
        written = written[:8] + str((int(written[8]) + 1) % 10) + "0"
        check = check_digit(written[:9])
    assert check is not None
    with pytest.raises(ChiError):
        validate_chi(written[:9] + str(check))


@pytest.mark.parametrize("day", ["3102", "3104", "3106", "3109", "3111", "2902"])
def test_a_day_the_month_does_not_have_is_refused(day: str) -> None:
    # 31 February, 31 April…; 29 February in 2023, not a leap year.
    first_nine = next(
        f"{day}23{n:03d}" for n in range(1000) if check_digit(f"{day}23{n:03d}") is not None
    )
    chi = first_nine + str(check_digit(first_nine))
    with pytest.raises(ChiError, match="date of birth"):
        validate_chi(chi)


OTHER_DIGITS = {
    "fullwidth": "０１２３４５６７８９",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "devanagari": "०१२३४५६७८९",
    "superscript": "⁰¹²³⁴⁵⁶⁷⁸⁹",
    "circled": "⓪①②③④⑤⑥⑦⑧⑨",
}


@pytest.mark.parametrize("digits", list(OTHER_DIGITS.values()), ids=list(OTHER_DIGITS))
def test_digits_of_other_scripts_are_refused_or_read_as_ascii(digits: str) -> None:
    """Python calls all of these digits (str.isdigit); a CHI number is ASCII 0–9. Either
    the number is refused with a ChiError — never another exception — or it is returned in
    ASCII, so that it can be compared with the numbers already recorded."""
    chi = "1403171238"
    written = "".join(digits[int(d)] for d in chi)
    try:
        normalised = validate_chi(written, dt.date(2017, 3, 14), "male")
    except ChiError:
        return
    assert normalised == chi


def test_chi_error_says_what_is_wrong_in_words() -> None:
    for written in ("12", "1403171239", "1403171238"):
        try:
            validate_chi(written, dt.date(2017, 3, 15), "female")
        except ChiError as exc:
            message = str(exc)
            assert message.endswith(".")
            assert "CHI number" in message or "date of birth" in message
        else:  # pragma: no cover
            pytest.fail(f"{written} was accepted")


def test_make_chi_refuses_a_serial_with_no_number_left() -> None:
    with pytest.raises(ValueError, match="serial"):
        make_chi(dt.date(2017, 3, 14), 100, "female")
