"""The issue's reproduction: a factory's roster names a worker who has nothing to do with it."""

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Notification, RosterImport, WorkerKind, WorkerSkill
from marketplace.services.accounts import api_tokens
from tests.factories import valid_national_id
from tests.roster_helpers import rows_to_csv
from tests.web.test_roster_pages import _as, _upload

CONTACT = "/api/v1/moderation/workers/{}/contact"


def _contact(client, moderator, worker_id):
    secret = api_tokens.create_token(moderator, "probe").secret
    return client.post(
        CONTACT.format(worker_id),
        json={"reason": "核实身份"},
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_a_factory_cannot_take_over_a_volunteer_by_naming_them_in_a_roster(
    client, login, roster_scene, make_worker
):
    volunteer = make_worker(kind=WorkerKind.VOLUNTEER, mobile="+8613912340000")
    volunteer.national_id = valid_national_id(11)
    db.session.commit()
    before = (volunteer.kind, volunteer.home_district_id, volunteer.lender_factory_id)
    moderator = roster_scene["moderator"]
    assert _contact(client, moderator, volunteer.id).status_code == 403

    row = {
        "name": "冒名",
        "mobile": "13912340000",
        "kind": "idle_employee",
        "skills": "织机操作:5",
        "district": "柯桥区",
    }
    _as(client, login, roster_scene["owner"])
    response = _upload(client, "/factory/rosters", rows_to_csv([row]), "r.csv")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)

    job = db.session.scalar(sa.select(RosterImport))
    assert (job.status, job.updated_count, job.refused_count) == ("refused", 0, 1)
    assert [p[0] for p in job.report[0]["problems"]] == ["worker_unrelated"]
    assert "not one of your staff" in page
    db.session.expire_all()
    assert (volunteer.kind, volunteer.home_district_id, volunteer.lender_factory_id) == before
    skills = sa.select(WorkerSkill).where(WorkerSkill.worker_id == volunteer.id)
    assert db.session.scalars(skills).all() == []
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert _contact(client, moderator, volunteer.id).status_code == 403
