"""WTForms' own validator messages speak Vietnamese (English once English is chosen): every form
of the app derives from the one base form, and every form answers malformed and out-of-range
values without an English word."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from flask_babel import force_locale
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import fields

import tracker
from tests.support.english import english_words
from tracker.core.forms import DateField, Form
from tracker.core.validator_messages import MESSAGES


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@pytest.fixture(scope="module")
def form_classes():
    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        importlib.import_module(module.name)
    found = {c for c in _subclasses(FlaskForm) if c.__module__.startswith("tracker.")}
    return sorted(found - {Form}, key=lambda c: (c.__module__, c.__name__))


def test_every_form_of_the_app_derives_from_the_base_form(form_classes):
    assert len(form_classes) > 30
    strays = [f"{c.__module__}.{c.__name__}" for c in form_classes if not issubclass(c, Form)]
    assert not strays, "forms that bypass core.forms.Form (WTForms' English reaches users)"


def test_every_wtforms_message_has_ours():
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    with pot.open("rb") as f:
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    ids.discard("Invalid field name '%s'.")  # a programming error, never a user's
    assert ids <= set(MESSAGES), sorted(ids - set(MESSAGES))
    for english, ours in MESSAGES.items():
        placeholders = set(re.findall(r"%\(\w+\)", english))
        assert placeholders == set(re.findall(r"%\(\w+\)", str(ours))), english


# What a careless or hostile reader types, field type by field type: malformed, then out of range.
MALFORMED = {
    fields.IntegerField: "mười",
    fields.DecimalField: "1,2,3",
    fields.FloatField: "abc",
    fields.DateField: "31/02/2024",
    fields.DateTimeField: "hôm qua",
    DateField: "31/02/2024",
    fields.EmailField: "khong-phai-email",
    fields.SelectField: "không-có",
    fields.RadioField: "không-có",
    fields.SelectMultipleField: "không-có",
}
OUT_OF_RANGE = {
    fields.IntegerField: "99999999",
    fields.DecimalField: "-99999999",
    fields.FloatField: "-1e300",
}
LONG = "x" * 100_000


def _value(field, table, default):
    for kind in type(field).__mro__:
        if kind in table:
            return table[kind]
    return default


def _bad_data(form, table, default):
    data = MultiDict()
    for field in form:
        if isinstance(field, FileField | fields.SubmitField) or field.name == "csrf_token":
            continue
        data.add(field.name, _value(field, table, default))
    return data


def _errors(form_class, data, only=None):
    form = form_class(formdata=data, meta={"csrf": False})
    form.validate()
    messages = []
    for name, errors in form.errors.items():
        if only and name != only:
            continue
        for error in errors:
            messages.extend(error.values() if isinstance(error, dict) else [error])
    return [str(m) for m in messages]


@pytest.mark.parametrize(
    "table, default", [(MALFORMED, "%(x)s"), (OUT_OF_RANGE, LONG), ({}, "")],
    ids=["malformed", "out-of-range", "empty"],
)
def test_every_form_answers_bad_values_in_vietnamese(app, form_classes, table, default):
    answered = []
    for form_class in form_classes:
        with app.test_request_context("/", method="POST"):
            blank = form_class(formdata=None, meta={"csrf": False})
            for message in _errors(form_class, _bad_data(blank, table, default)):
                answered.append(message)
                assert not english_words(message), f"{form_class.__name__}: {message!r}"
    assert answered  # the values were refused somewhere: the check above saw messages


def test_the_task_forms_number_says_what_is_wrong_in_the_readers_language(app):
    from tracker.tasks.forms import TaskForm

    def days(value):
        data = MultiDict({"deadline_working_days": value})
        return _errors(TaskForm, data, "deadline_working_days")

    with app.test_request_context("/", method="POST"):
        assert "Cần nhập một số nguyên." in days("abc")
        assert days("400") == ["Số phải trong khoảng 1 đến 366."]
        with force_locale("en"):
            assert "Not a valid integer value." in days("abc")
            assert days("400") == ["Number must be between 1 and 366."]
