from tests.conftest import csrf_token
from tests.factories import gen_group, gen_officer, gen_plan, gen_unit
from tracker.extensions import db
from tracker.people.models import Role


def test_chair_gives_fields_to_vice_chairs(client, auth):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    vice = gen_officer(unit, Role.VICE_CHAIRPERSON, full_name="Phó Chủ Tịch A")
    officer = gen_officer(unit)
    plan = gen_plan(unit)
    first, second = gen_group(plan, "Thể chế"), gen_group(plan, "Tài chính công")
    db.session.commit()
    auth.login(chair)
    path = f"/plans/{plan.id}/fields"
    assert "Phó Chủ Tịch A" in client.get(path).get_data(as_text=True)
    token = csrf_token(client, path)
    response = client.post(
        path,
        data={
            "csrf_token": token,
            f"overseer-{first.id}": str(vice.id),
            f"overseer-{second.id}": "",
        },
    )
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.overseer_id == vice.id and second.overseer_id is None
    # a plain officer cannot oversee a field
    response = client.post(
        path, data={"csrf_token": token, f"overseer-{second.id}": str(officer.id)}
    )
    assert "phải là Phó Chủ tịch" in response.get_data(as_text=True)
    db.session.refresh(second)
    assert second.overseer_id is None


def test_only_the_chair_assigns_fields(client, auth):
    """The page is the plan's fields (MANAGE_PLANS); their overseers are the chairperson's."""
    unit = gen_unit()
    vice = gen_officer(unit, Role.VICE_CHAIRPERSON)
    officer = gen_officer(unit)
    plan = gen_plan(unit)
    gen_group(plan, "Thể chế")
    db.session.commit()
    auth.login(vice)
    html = client.get(f"/plans/{plan.id}/fields").get_data(as_text=True)
    assert 'name="overseer-' in html and "disabled" in html
    auth.logout()
    auth.login(officer)
    assert client.get(f"/plans/{plan.id}/fields").status_code == 403
