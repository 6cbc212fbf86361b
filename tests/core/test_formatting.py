"""format_number's quick path for whole numbers writes exactly what Babel writes."""

from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from tracker.core.formatting import format_number

VALUES = [0, 5, 999, 1000, 12175, -1234567, 10**12, Decimal("12175"), Decimal("12175.0"),
          Decimal("-0"), Decimal("0"), Decimal("1E+3"), Decimal("-5000"), Decimal("7972.5"),
          Decimal("0.4"), Decimal("1.5"), Decimal("2.5"), 27.3]


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_whole_numbers_as_babel_writes_them(locale, value):
    assert format_number(value, 0, locale) == format_decimal(value, format="#,##0", locale=locale)


def test_vietnamese_grouping():
    assert format_number(12175, locale="vi") == "12.175"
    assert format_number(-1234567, locale="en") == "-1,234,567"
