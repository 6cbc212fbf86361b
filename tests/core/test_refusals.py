"""The one refusal type and the one helper that shows it: on the form's field, or flashed."""

from __future__ import annotations

import pytest
from flask import g, get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from tracker.core import transactions
from tracker.core.refusals import Refusal, show_refusal


class NoteForm(FlaskForm):
    class Meta:
        csrf = False

    title = StringField()
    body = StringField()


def test_a_refusal_carries_its_message_and_field():
    assert Refusal("Nhập nội dung.", "body").errors == {"body": "Nhập nội dung."}
    assert Refusal("Nhiệm vụ đã hoàn thành.").errors == {"": "Nhiệm vụ đã hoàn thành."}
    both = Refusal({"title": "Nhập tên.", "": "Không lưu được."})
    assert both.errors == {"title": "Nhập tên.", "": "Không lưu được."}
    assert str(both) == both.message == "Nhập tên.; Không lưu được."
    assert Refusal({}).errors == {}
    assert isinstance(both, ValueError)


def test_a_fields_message_goes_on_the_field_the_rest_is_flashed(app):
    with app.test_request_context(method="POST", data={"title": "Kế hoạch", "body": ""}):
        form = NoteForm()
        show_refusal(
            Refusal({"body": "Nhập nội dung.", "": "Không lưu được.", "elsewhere": "Sai."}), form
        )
        assert form.body.errors == ["Nhập nội dung."]
        assert not form.title.errors
        assert form.title.data == "Kế hoạch"  # the form kept as typed
        assert get_flashed_messages(with_categories=True) == [
            ("danger", "Không lưu được."),
            ("danger", "Sai."),
        ]


def test_a_field_that_already_says_what_is_wrong_keeps_its_own_message(app):
    with app.test_request_context(method="POST", data={"title": "x"}):
        form = NoteForm()
        form.title.errors = ["Tên quá ngắn."]
        show_refusal(Refusal("Tên đã có.", "title"), form)
        assert form.title.errors == ["Tên quá ngắn."]
        assert get_flashed_messages() == []


def test_without_a_form_every_message_is_flashed(app):
    with app.test_request_context(method="POST"):
        show_refusal(Refusal({"body": "Nhập nội dung.", "": "Không lưu được."}))
        assert get_flashed_messages(with_categories=True) == [
            ("danger", "Nhập nội dung."),
            ("danger", "Không lưu được."),
        ]


@pytest.mark.parametrize("refused", [True, False])
def test_the_request_commits_once_at_its_end_unless_refused(app, monkeypatch, refused):
    from tracker.extensions import db

    calls: list[str] = []
    monkeypatch.setattr(db.session, "commit", lambda: calls.append("commit"))
    monkeypatch.setattr(db.session, "rollback", lambda: calls.append("rollback"))
    with app.test_request_context(method="POST"):
        transactions.after_commit(lambda: calls.append("email"))
        if refused:
            show_refusal(Refusal("Không lưu được."))
        response = transactions._end_request(app.response_class(status=302))
        assert response.status_code == 302
        assert "_transaction_discarded" not in g
    assert calls == (["rollback", "rollback"] if refused else ["commit", "email"])


@pytest.mark.parametrize(
    ("method", "status", "expected"),
    [
        ("GET", 200, []),
        ("POST", 400, ["rollback"]),
        ("POST", 500, ["rollback"]),
        ("POST", 200, ["commit"]),  # a form shown again as typed: nothing was changed
    ],
)
def test_only_a_change_that_ended_well_is_committed(app, monkeypatch, method, status, expected):
    from tracker.extensions import db

    calls: list[str] = []
    monkeypatch.setattr(db.session, "commit", lambda: calls.append("commit"))
    monkeypatch.setattr(db.session, "rollback", lambda: calls.append("rollback"))
    with app.test_request_context(method=method):
        transactions._end_request(app.response_class(status=status))
    assert calls == expected
