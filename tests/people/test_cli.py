from sqlalchemy import select

from tests.factories import gen_unit
from tracker.extensions import db
from tracker.people.models import Officer, Role
from tracker.people.operations import authenticate


def test_user_create_with_password_from_stdin(runner):
    unit = gen_unit(code="vinh-hoa-test")
    db.session.commit()
    result = runner.invoke(
        args=[
            "user",
            "create",
            "--email",
            "An.Nguyen@Vinhhoa.example",
            "--name",
            "Nguyễn  Văn An",
            "--role",
            "chairperson",
            "--unit",
            unit.code,
            "--password-stdin",
        ],
        input="mat-khau-du-dai\n",
    )
    assert result.exit_code == 0, result.output
    officer = db.session.scalar(select(Officer).where(Officer.email == "an.nguyen@vinhhoa.example"))
    assert officer.full_name == "Nguyễn Văn An"
    assert officer.roles == {Role.CHAIRPERSON}
    assert authenticate(db.session, "an.nguyen@vinhhoa.example", "mat-khau-du-dai") == officer
    assert officer.password_hash.startswith("$argon2")


def _one_line_error(result) -> str:
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_user_create_bad_input_exits_with_one_line(runner):
    unit = gen_unit()
    db.session.commit()
    base = ["user", "create", "--name", "Lê Thị B", "--role", "officer"]
    assert "no unit" in _one_line_error(
        runner.invoke(args=[*base, "--email", "b@x.example", "--unit", "khong-co"])
    )
    assert (
        "email"
        in _one_line_error(
            runner.invoke(args=[*base, "--email", "khong-phai-email", "--unit", unit.code])
        ).lower()
    )
    assert "8" in _one_line_error(
        runner.invoke(
            args=[*base, "--email", "b@x.example", "--unit", unit.code, "--password-stdin"],
            input="ngan\n",
        )
    )
    runner.invoke(args=[*base, "--email", "b@x.example", "--unit", unit.code])
    assert "đã được dùng" in _one_line_error(
        runner.invoke(args=[*base, "--email", "B@x.example", "--unit", unit.code])
    )


def test_unit_late_extensions_setting_is_set_audited_and_inherited(runner):
    from tracker.core.audit import AuditEvent
    from tracker.people.models import Unit, UnitKind
    from tracker.tasks.deadlines import late_extension_counts

    province = gen_unit(code="tinh-thu", kind=UnitKind.PROVINCE)
    ward = gen_unit(code="phuong-thu", parent=province)
    db.session.commit()
    assert late_extension_counts(db.session, ward.id) is False
    result = runner.invoke(args=["unit", "late-extensions", "tinh-thu", "count"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert late_extension_counts(db.session, ward.id) is True
    runner.invoke(args=["unit", "late-extensions", "phuong-thu", "do-not-count"])
    db.session.expire_all()
    assert late_extension_counts(db.session, ward.id) is False
    assert db.session.get(Unit, ward.id).late_extension_counts is False
    changes = [
        e.changes
        for e in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "units", AuditEvent.action == "update"
            )
        )
    ]
    assert {"late_extension_counts": [None, True]} in changes
    assert {"late_extension_counts": [None, False]} in changes
    result = runner.invoke(args=["unit", "late-extensions", "khong-co", "count"])
    assert result.exit_code != 0 and "no unit" in result.output
