from decimal import Decimal

import pytest

from tracker.core.formatting import format_number, format_percent
from tracker.core.status import percent
from tracker.dashboard.formatting import quick_percent, small_number


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_quick_filters_say_what_the_core_filters_say(app, client, lang):
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = lang
        for value in (0, 1, 7, 999, 1000, 12175, -3, -1000, None):
            assert small_number(value) == format_number(value), value
        rates = [percent(p, w) for w in (1, 3, 7, 22, 23, 30, 1000) for p in range(0, w + 1, 1)]
        for value in [*rates, None, Decimal("100.0"), Decimal("0.0")]:
            assert quick_percent(value) == format_percent(value), value


def test_progress_bar_and_rate_read_like_the_macros(app):
    from flask import render_template_string

    from tracker.dashboard.formatting import progress_bar, rate_with_counts

    with app.test_request_context("/"):
        for value in (Decimal("27.3"), Decimal("0.0"), Decimal("100.0"), None):
            macro = render_template_string(
                '{% from "_macros.html" import progress %}{{ progress(v) }}', v=value
            )
            assert " ".join(str(progress_bar(value)).split()).replace("> <", "><") == " ".join(
                macro.split()
            ).replace("> <", "><")
        assert str(rate_with_counts(Decimal("27.3"), 6, 22)).count("27,3%") == 1
        assert "(6/22)" in str(rate_with_counts(Decimal("27.3"), 6, 22))
        assert "—" in str(rate_with_counts(None, 0, 0))  # nothing to count: not 0 %
