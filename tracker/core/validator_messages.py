"""WTForms' own validator messages in the product's catalogue.

WTForms ships no Vietnamese catalogue, so its English messages ("Not a valid integer value.")
reached users. The base form (`core.forms.Form`) looks each one up here: the Vietnamese is the
msgid, the English catalogue gives the words back when English is chosen.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# WTForms' msgid (wtforms/locale/wtforms.pot) -> our message, with the same placeholders.
MESSAGES = {
    "Field must be equal to %(other_name)s.": _l("Giá trị phải trùng với %(other_name)s."),
    "Field must be at least %(min)d character long.": _l("Cần ít nhất %(min)d ký tự."),
    "Field cannot be longer than %(max)d character.": _l("Không được dài quá %(max)d ký tự."),
    "Field must be exactly %(max)d character long.": _l("Cần đúng %(max)d ký tự."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Cần từ %(min)d đến %(max)d ký tự."
    ),
    "Number must be at least %(min)s.": _l("Số phải lớn hơn hoặc bằng %(min)s."),
    "Number must be at most %(max)s.": _l("Số phải nhỏ hơn hoặc bằng %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Số phải trong khoảng %(min)s đến %(max)s."),
    "Date must be at least %(min)s.": _l("Ngày phải từ %(min)s trở đi."),
    "Date must be at most %(max)s.": _l("Ngày phải không muộn hơn %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Ngày phải trong khoảng %(min)s đến %(max)s."),
    "This field is required.": _l("Mục này là bắt buộc."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
    "Invalid email address.": _l("Địa chỉ email không hợp lệ."),
    "Invalid IP address.": _l("Địa chỉ IP không hợp lệ."),
    "Invalid Mac address.": _l("Địa chỉ MAC không hợp lệ."),
    "Invalid URL.": _l("Địa chỉ URL không hợp lệ."),
    "Invalid UUID.": _l("Mã UUID không hợp lệ."),
    "Invalid value, must be one of: %(values)s.": _l(
        "Giá trị không hợp lệ, phải là một trong: %(values)s."
    ),
    "Invalid value, can't be any of: %(values)s.": _l(
        "Giá trị không hợp lệ, không được là: %(values)s."
    ),
    "This field cannot be edited.": _l("Mục này không sửa được."),
    "This field is disabled and cannot have a value.": _l("Mục này bị khóa, không nhận giá trị."),
    "Invalid CSRF Token.": _l("Phiên làm việc không hợp lệ, xin tải lại trang."),
    "CSRF token missing.": _l("Thiếu mã phiên làm việc, xin tải lại trang."),
    "CSRF failed.": _l("Kiểm tra phiên làm việc không thành công, xin tải lại trang."),
    "CSRF token expired.": _l("Phiên làm việc đã hết hạn, xin tải lại trang."),
    "Invalid Choice: could not coerce.": _l("Lựa chọn không hợp lệ."),
    "Choices cannot be None.": _l("Chưa có lựa chọn nào."),
    "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l(
        "Có lựa chọn không hợp lệ."
    ),
    "'%(value)s' is not a valid choice for this field.": _l(
        "“%(value)s” không phải là lựa chọn hợp lệ."
    ),
    "Not a valid datetime value.": _l("Ngày giờ không hợp lệ."),
    "Not a valid date value.": _l("Ngày không hợp lệ."),
    "Not a valid time value.": _l("Giờ không hợp lệ."),
    "Not a valid week value.": _l("Tuần không hợp lệ."),
    "Not a valid integer value.": _l("Cần nhập một số nguyên."),
    "Not a valid decimal value.": _l("Cần nhập một số."),
    "Not a valid float value.": _l("Cần nhập một số."),
}


class ValidatorTranslations:
    """What WTForms asks of `Meta.get_translations`: gettext and ngettext."""

    def gettext(self, string: str) -> str:
        message = MESSAGES.get(string)
        return string if message is None else str(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if str(get_locale()) != "vi":  # WTForms' English knows its plurals
            return singular if n == 1 else plural
        return self.gettext(singular)


translations = ValidatorTranslations()
