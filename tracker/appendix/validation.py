"""The checks on typed figures: plain functions, free of any request.

Errors block the save (a count that is not whole, money in the wrong unit, a part above its
whole, a choice outside its list); warnings are cross-checks across rows and against the
previous period that the focal officer must acknowledge before submitting. Rates are never
typed: they are computed from their parts (tracker/appendix/table.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from tracker.appendix.indicators import Indicator, Tree
from tracker.appendix.table import show_number

Value = Decimal | None
MAX_VALUE = Decimal(10) ** 16
MAX_NOTE = 500

# Vietnamese style: dots between thousands, a comma before the decimals ("12.175", "7.972,5").
_GROUPED = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?$")
_PLAIN = re.compile(r"^[0-9]+(?:,[0-9]+)?$")
_DOTTED_DECIMAL = re.compile(r"^[0-9]+\.[0-9]+$")
# ASCII digits only: \d would take "١٢", and Decimal would read it.


@dataclass(frozen=True, slots=True)
class Problem:
    key: str  # the row the message is about
    message: str
    id: str = ""  # a warning's id, for its acknowledgement

    def __str__(self) -> str:
        return self.message


def show(value: Value) -> str:
    return "—" if value is None else show_number(value)


def parse_figure(raw: str, row: Indicator) -> tuple[Value, str | None]:
    """(value, None) or (None, the reason in Vietnamese); an empty cell is (None, None)."""
    text = (raw or "").replace("\u00a0", "").replace(" ", "").strip()
    if not text:
        return None, None
    if text.startswith("-"):
        return None, _("Số liệu không được âm.")
    if _GROUPED.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _PLAIN.match(text):
        text = text.replace(",", ".")
    elif _DOTTED_DECIMAL.match(text):
        return None, _(
            "Dấu chấm dùng để ngăn cách hàng nghìn (12.175); phần thập phân dùng dấu phẩy (12,5)."
        )
    else:
        return None, _("“%(value)s” không phải là một số.", value=raw.strip()[:40])
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("“%(value)s” không phải là một số.", value=raw.strip()[:40])
    if value >= MAX_VALUE:
        return None, _("Số liệu quá lớn.")
    whole = value == value.to_integral_value()
    if row.type == "choice":
        if not whole or int(value) not in row.choices:
            return None, _("Chỉ nhận một trong các giá trị: %(choices)s (%(unit)s).",
                           choices=", ".join(str(c) for c in row.choices), unit=row.unit)
    elif row.type == "money":
        if row.decimals == 0 and not whole:
            return None, _("Số tiền tính bằng %(unit)s: không có phần lẻ.", unit=row.unit)
        if -value.as_tuple().exponent > row.decimals and not whole:
            return None, _("Số tiền tính bằng %(unit)s: tối đa %(digits)s chữ số thập phân.",
                           unit=row.unit, digits=row.decimals)
    elif not whole:
        return None, _("Số lượng (%(unit)s) phải là số nguyên.", unit=row.unit)
    return (value.quantize(Decimal(1)) if whole else value), None




def check_entered(tree: Tree, values: dict[str, Value]) -> list[Problem]:
    """Errors across the typed rows: parts above their whole, a part without its whole."""
    errors: list[Problem] = []
    for row in tree.entered:
        value = values.get(row.key)
        if value is None:
            continue
        if row.within:
            whole_row = tree[row.within]
            whole = values.get(row.within)
            if whole is None and value:  # zero (or "không phát sinh") fits any whole
                errors.append(Problem(row.key, _(
                    "Nhập “%(whole)s” trước: số liệu này là một phần của nó.",
                    whole=tree.name_of(whole_row.key))))
            elif whole is not None and value > whole:
                errors.append(Problem(row.key, _(
                    "%(value)s vượt quá “%(whole)s” (%(limit)s): phần không thể lớn hơn tổng.",
                    value=show(value), whole=tree.name_of(whole_row.key), limit=show(whole))))
        if row.period_part and values.get(row.period_part) is not None:
            part = values[row.period_part]
            if part > value:
                errors.append(Problem(row.key, _(
                    "Số lũy kế (%(value)s) nhỏ hơn số trong kỳ báo cáo (%(part)s).",
                    value=show(value), part=show(part))))
        if row.paid_count:
            count = values.get(row.paid_count)
            if value > 0 and not count:
                errors.append(Problem(row.key, _(
                    "Có số tiền thanh toán trực tuyến (%(value)s %(unit)s) nhưng không có hồ sơ "
                    "nào được thanh toán.", value=show(value), unit=row.unit)))
    for row in tree.rows:  # a rate's parts as a whole (rows summed over several fields)
        if row.kind != "rate":
            continue
        part = _total(values, row.numerator)
        whole = _total(values, row.denominator)
        if part is not None and whole is not None and part > whole:
            key = next((k for k in row.numerator if tree[k].is_entered), row.key)
            if not any(p.key == key for p in errors):
                errors.append(Problem(key, _(
                    "Tử số của tỷ lệ “%(rate)s” (%(part)s) vượt quá mẫu số (%(whole)s).",
                    rate=tree.name_of(row.key), part=show(part), whole=show(whole))))
    # A satisfaction survey marked as done has ballots (the seed: done, with 0 collected).
    surveyed, ballots = values.get("1.7"), values.get("1.7.a")
    if surveyed == 1 and ballots is not None and ballots == 0:
        errors.append(Problem("1.7.a", _(
            "Đã đánh dấu có khảo sát sự hài lòng (1.7) nhưng số phiếu khảo sát bằng 0.")))
    return errors


def _total(values: dict[str, Value], keys: tuple[str, ...]) -> Value:
    present = [values[k] for k in keys if values.get(k) is not None]
    return sum(present, Decimal(0)) if present else None


def check_warnings(
    tree: Tree,
    values: dict[str, Value],
    previous: dict[str, Value] | None,
    same_year: bool,
) -> list[Problem]:
    """Cross-checks that need a person to confirm them (acknowledged by id)."""
    warnings: list[Problem] = []
    previous = previous or {}
    for row in tree.entered:
        value = values.get(row.key)
        before = previous.get(row.key)
        if value is None:
            continue
        if row.cumulative and before is not None and (row.cumulative == "always" or same_year):
            if row.period_part:
                part = values.get(row.period_part) or Decimal(0)
                expected = before + part
                if value != expected:
                    warnings.append(Problem(row.key, _(
                        "“%(label)s” là %(value)s, nhưng kỳ trước là %(before)s và trong kỳ "
                        "thêm %(part)s: lẽ ra là %(expected)s. Tỷ lệ tính theo số này.",
                        label=tree.name_of(row.key), value=show(value), before=show(before),
                        part=show(part), expected=show(expected)), f"{row.key}:previous"))
            elif value < before:
                warnings.append(Problem(row.key, _(
                    "“%(label)s” là số lũy kế nhưng giảm so với kỳ trước (%(before)s → "
                    "%(value)s).", label=tree.name_of(row.key), before=show(before),
                    value=show(value)),
                    f"{row.key}:previous"))
        if row.paid_count:
            count = values.get(row.paid_count)
            if count and not value:
                warnings.append(Problem(row.key, _(
                    "Có %(count)s hồ sơ được thanh toán trực tuyến nhưng số tiền bằng 0.",
                    count=show(count)), f"{row.key}:amount"))
    # Dossiers of level 3-4 procedures are among all dossiers received (3.2.1).
    online, received = values.get("7.6.3.a"), values.get("3.2.1.a")
    if online is not None and received is not None and online > received:
        warnings.append(Problem("7.6.3.a", _(
            "Hồ sơ của TTHC mức độ 3, 4 (%(online)s) nhiều hơn tổng số hồ sơ TTHC đã tiếp "
            "nhận ở mục 3.2.1 (%(received)s).", online=show(online), received=show(received)),
            "7.6.3.a:3.2.1.a"))
    return warnings
