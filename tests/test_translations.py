"""The English catalogue: complete, placeholders intact, in step with the sources, and used by
the pages once a reader picks English at the foot of a page."""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import csrf_token
from tests.factories import gen_evidence, gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import babel, db
from tracker.people.models import Role
from tracker.tasks.models import TaskState

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "tracker" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# The keywords `pybabel extract -F babel.cfg -k _l -k lazy_gettext` looks for.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# A placeholder as gettext fills it in: %(name)s (any conversion), or a literal %%.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%%")
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)
# What English pages keep in Vietnamese on purpose: the language switch, names (Tết, document
# numbers such as 39/QĐ-UBND) and, in quotes or in an element marked lang="vi", words a plan
# file must hold (the importer reads Vietnamese column headers and deadline phrases).
KEPT_VIETNAMESE = re.compile(
    r"Tiếng Việt|Tết|\b\d+/[\w-]+|“[^”<]*”|<(\w+)\b[^>]*\blang=\"vi\"[^>]*>[^<]*</\1>"
)
# Known user-facing strings not wrapped in _() yet (remove an entry once it is wrapped).
NOT_YET_WRAPPED: tuple[str, ...] = ()


def read_catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def messages():
    return [m for m in read_catalog() if m.id]


def msgid(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def ensure_compiled() -> None:
    """Compile the catalogue when the .mo is missing or older than the .po (`make` compiles it
    before the tests; a bare `pytest` may run first). Written atomically: runs may overlap."""
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        return
    catalog = read_catalog()
    fd, tmp = tempfile.mkstemp(dir=MO.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog)
        os.replace(tmp, MO)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@pytest.fixture
def english(app):
    """The compiled catalogue, loaded afresh (Flask-Babel caches catalogues per process)."""
    ensure_compiled()
    babel.domain_instance.cache.clear()
    yield
    babel.domain_instance.cache.clear()


# ---------------------------------------------------------------------------------------------
# The catalogue itself


def test_every_message_has_an_english_translation():
    catalog = messages()
    assert catalog, f"{PO} holds no messages"
    empty = [
        m.id for m in catalog if not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in catalog if m.fuzzy]
    assert not empty, f"untranslated in {PO.name}: {empty}"
    assert not fuzzy, f"fuzzy in {PO.name} (check them, then drop the flag): {fuzzy}"
    assert not read_catalog().fuzzy, "the catalogue's header is marked fuzzy"


def test_translations_keep_the_placeholders_of_their_message():
    wrong = []
    for message in messages():
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = Counter(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            found = Counter(PLACEHOLDER.findall(string))
            # Templates format every message (Jinja's newstyle gettext): a lone % would break.
            stray = "%" in PLACEHOLDER.sub("", string)
            if found != expected or stray:
                wrong.append((ids[0], string))
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(
        f"  {i!r} -> {s!r}" for i, s in wrong
    )


def test_catalogue_passes_babels_checks():
    problems = [(m.id, [str(e) for e in errors]) for m, errors in read_catalog().check()]
    assert not problems


def test_catalogue_holds_every_message_of_the_sources():
    """Strings wrapped in _() since the last `pybabel update` have no English yet."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    extracted = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        # pgettext("menu", "Kế hoạch") is a message of its own, apart from _("Kế hoạch").
        key = (context, message if isinstance(message, str) else message[0])
        extracted.setdefault(key, (filename, lineno))
    known = {(m.context, msgid(m)) for m in messages()}
    missing = {key: where for key, where in extracted.items() if key not in known}
    assert not missing, (
        "messages missing from the English catalogue; run\n"
        "  .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/messages.pot .\n"
        "  .venv/bin/pybabel update -i /tmp/messages.pot -d tracker/translations -l en\n"
        "and translate them:\n"
        + "\n".join(
            f"  {f}:{line}: {m!r}" + (f" (context {c!r})" if c else "")
            for (c, m), (f, line) in sorted(
                missing.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")
            )
        )
    )


def test_compiled_catalogue_translates(app, english):
    from flask_babel import force_locale, gettext, ngettext, pgettext

    with app.test_request_context(), force_locale("en"):
        assert gettext("Việc của tôi") == "My tasks"
        assert gettext("Nhiệm vụ %(n)s", n=7) == "Task 7"
        # A menu names a section (plural in English); the plain word labels one thing.
        assert pgettext("menu", "Kế hoạch") == "Plans"
        assert gettext("Kế hoạch") == "Plan"
        assert pgettext("menu", "Cán bộ") == "Officers"
        assert gettext("Cán bộ") == "Officer"
        assert ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", 1, n=1) == "1 day overdue"
        assert ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", 3, n=3) == "3 days overdue"


def test_domain_messages_speak_the_readers_language(app, english):
    """Errors raised by domain code are English on an English page, Vietnamese elsewhere (CLI,
    jobs: no request; and with no application at all)."""
    from flask_babel import force_locale

    from tracker.core.files import store_file
    from tracker.core.refusals import Refusal
    from tracker.tasks.operations import validate_document

    def refusal() -> str:
        with pytest.raises(Refusal) as refused:
            store_file(tempfile.gettempdir(), "a.exe", b"MZ")
        return str(refused.value)

    with app.test_request_context(), force_locale("en"):
        assert refusal() == "Only PDF, DOCX, XLSX, PNG or JPG files are accepted."
        errors = validate_document("333/KH-UBND", date(2999, 1, 1), date(2024, 3, 1))
        assert errors == {"document_date": "The document's date cannot be after today."}
    assert refusal() == "Chỉ nhận tệp PDF, DOCX, XLSX, PNG hoặc JPG."  # app context, no request
    with app.test_request_context():  # a reader who has not picked a language
        assert refusal() == "Chỉ nhận tệp PDF, DOCX, XLSX, PNG hoặc JPG."


def test_domain_messages_without_an_application_are_vietnamese():
    from tracker.tasks.operations import validate_document

    errors = validate_document("x", None, date(2024, 3, 1))
    assert errors["document_date"] == "Nhập ngày ban hành văn bản (dd/mm/yyyy)."


def test_count_patterns_pick_the_plural_form_of_their_count(app, english):
    """The dashboard's "%(n)s …" patterns are filled by the template's `format` filter and by
    the chart's `%`, with the count already written out."""
    from flask import render_template_string
    from flask_babel import force_locale

    from tracker.dashboard.chart import chart_labels
    from tracker.dashboard.formatting import CountPattern
    from tracker.dashboard.views import _page_labels

    with app.test_request_context(), force_locale("en"):
        labels = _page_labels(date(2024, 3, 1))
        assert isinstance(labels["days_overdue"], CountPattern)
        assert labels["days_overdue"] == "%(n)s days overdue"
        page = "{{ L.days_overdue|format(n=1) }} · {{ L.days_left|format(n='12') }}"
        assert render_template_string(page, L=labels) == "1 day overdue · 12 days left"
        without = chart_labels().without_deadline
        assert without % {"n": "1"} == "1 task has no deadline."
        assert without % {"n": "1,234"} == "1,234 tasks have no deadline."
    with app.test_request_context():
        assert _page_labels(date(2024, 3, 1))["days_left"] % {"n": "1"} == "còn 1 ngày"


# ---------------------------------------------------------------------------------------------
# Pages


def switch_language(client, lang: str, back_to: str):
    return client.post(
        f"/language/{lang}", data={"csrf_token": csrf_token(client, back_to), "next": back_to}
    )


def nav(html: str) -> str:
    match = re.search(r"<nav class=\"navbar.*?</nav>", html, re.S)
    assert match, "no navigation bar on the page"
    return match.group(0)


def test_language_switch_turns_the_pages_english_and_back(app, client, auth, english):
    officer = gen_officer()
    db.session.commit()
    auth.login(officer)
    plans = f"/units/{officer.unit.code}/plans"

    html = client.get(plans).get_data(as_text=True)
    assert "Việc của tôi" in nav(html)
    assert '<html lang="vi">' in html

    response = switch_language(client, "en", plans)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(plans)
    html = client.get(plans).get_data(as_text=True)
    assert '<html lang="en">' in html
    for label in ("Plans", "Tasks", "My tasks", "Officers"):
        assert f">{label}</a>" in nav(html)
    assert ">Notifications" in nav(html)
    assert "Việc của tôi" not in html
    assert "Administrative reform plans" in html

    switch_language(client, "vi", plans)
    html = client.get(plans).get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Việc của tôi" in nav(html)
    assert "My tasks" not in html


def test_unknown_language_is_not_found(client):
    response = client.post("/language/fr", data={"csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 404


def test_english_pages_show_no_vietnamese_but_the_data(app, client, auth, english):
    """Every page a leader opens, in English, with data free of diacritics: any Vietnamese
    left on the page is a string that is not translated (or not wrapped in _())."""
    unit = gen_unit(name="Ward One")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Tran Van Chu", position="Chairperson")
    officer = gen_officer(unit, full_name="Le Thi Can", position="Officer")
    plan = gen_plan(unit, title="Annual plan", document_number="39/QD-UBND")
    group = gen_group(plan, name="Reform of procedures")
    done = gen_task(
        plan,
        officer,
        group=group,
        title="Publish procedures",
        deliverable="Report",
        completed_on=date(2024, 3, 1),
        confirmer=chair,
    )
    gen_evidence(done, number="333/KH-UBND")
    waiting = gen_task(
        plan,
        officer,
        title="Train staff",
        deliverable="Minutes",
        supporters=[chair],
        state=TaskState.PENDING_CONFIRMATION,
        confirmer=chair,
    )
    gen_task(plan, None, title="Unassigned work", deliverable="Plan", deadline=date(2024, 1, 5))
    db.session.commit()
    auth.login(chair)
    code = unit.code
    pages = [
        "/",
        f"/units/{code}/plans",
        f"/plans/{plan.id}",
        f"/plans/{plan.id}/fields",
        f"/plans/{plan.id}/tasks/new",
        f"/units/{code}/plans/import",
        f"/tasks/{done.id}",
        f"/tasks/{waiting.id}",
        f"/tasks/{waiting.id}/edit",
        f"/units/{code}/tasks",
        f"/units/{code}/confirmations",
        f"/units/{code}/officers",
        f"/units/{code}/calendar",
        "/my-tasks",
        "/notifications",
        "/password",
    ]
    switch_language(client, "en", "/")
    leftovers = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        for known in NOT_YET_WRAPPED:
            html = html.replace(known, "")
        html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
        html = KEPT_VIETNAMESE.sub("", html)
        lines = [line.strip() for line in html.splitlines() if VIETNAMESE.search(line)]
        if lines:
            leftovers[page] = lines
    assert not leftovers, "Vietnamese on English pages:\n" + "\n".join(
        f"  {page}: {line[:160]}" for page, lines in leftovers.items() for line in lines
    )


def test_import_page_counts_errors_and_names_the_columns_in_vietnamese(app, client, auth, english):
    """The importer reads Vietnamese column headers, so the page lists them as they must be
    typed, in English too; the count of errors takes its plural form."""
    import io

    from tests.factories import gen_xlsx

    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    db.session.commit()
    auth.login(chair)
    page = f"/units/{unit.code}/plans/import"
    switch_language(client, "en", page)
    columns = "STT | Lĩnh vực | Nhiệm vụ | Sản phẩm | Chủ trì | Phối hợp | Thời hạn"
    assert f'<code lang="vi">{columns}</code>' in client.get(page).get_data(as_text=True)

    header = ["STT", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Thời hạn"]

    def upload(*rows) -> str:
        data = {
            "csrf_token": csrf_token(client, page),
            "file": (io.BytesIO(gen_xlsx([header, *rows])), "plan.xlsx"),
            "title": "Plan",
        }
        response = client.post(page, data=data, content_type="multipart/form-data")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    one = upload([1, "Task", "Report", "Nobody", "01/02/2024"])
    assert "Not imported: the file has 1 error." in one
    two = upload([1, "Task", "Report", "Nobody", "31/02/2024"])
    assert "Not imported: the file has 2 errors." in two
