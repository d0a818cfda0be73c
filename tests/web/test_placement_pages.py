"""The moderators' placement-run pages: start, watch, review, send; refusals."""

from datetime import timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Application, ApplicationStatus, PlacementRun, RunStatus, utcnow
from tests.conftest import csrf_from
from tests.factories import PASSWORD


def _local_day(days_from_now: int) -> str:
    from zoneinfo import ZoneInfo

    return (utcnow() + timedelta(days=days_from_now)).astimezone(ZoneInfo("Asia/Shanghai")).date()


def _start(post_form, **fields):
    data = {"starts_on": str(_local_day(0)), "ends_on": str(_local_day(7)), "objective": "fill"}
    return post_form("/association/placement-runs", {**data, **fields})


def test_a_moderator_starts_reviews_and_sends_a_run(client, login, post_form, placement_scene):
    moderator = placement_scene["moderator"]
    login(moderator.mobile, PASSWORD)
    response = _start(post_form)
    assert response.status_code == 302
    run = db.session.scalar(sa.select(PlacementRun))
    assert run.status == RunStatus.DONE  # the tests run jobs at once
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ready for review" in page
    for worker in (placement_scene["one"], placement_scene["both"]):
        assert worker.user.name in page
    assert page.count('name="proposal"') == 2
    first_proposal = run.proposals[0].id
    sent = client.post(
        f"/association/placement-runs/{run.id}/send",
        data={"csrf_token": csrf_from(page), "proposal": [str(first_proposal)]},
    )
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "1 offers sent; 0 skipped, 1 left out." in page
    assert "Offer sent" in page and "Left out" in page
    statuses = db.session.scalars(sa.select(Application.status)).all()
    assert statuses == [ApplicationStatus.OFFERED]


def test_a_bad_window_is_shown_beside_the_field_and_keeps_the_input(
    client, login, post_form, placement_scene
):
    login(placement_scene["moderator"].mobile, PASSWORD)
    start, end = str(_local_day(5)), str(_local_day(2))
    response = _start(post_form, starts_on=start, ends_on=end)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The window must end after it starts." in page
    assert f'value="{start}"' in page and f'value="{end}"' in page
    assert db.session.scalar(sa.select(sa.func.count(PlacementRun.id))) == 0


def test_other_people_cannot_see_or_decide_a_run(client, login, post_form, placement_scene):
    from marketplace.services.placement import runs as placement

    now = utcnow()
    run = placement.start_run(
        placement_scene["moderator"],
        placement_scene["factory"].association_id,
        now,
        now + timedelta(days=7),
    )
    worker = placement_scene["one"].user
    login(worker.mobile, PASSWORD)
    assert client.get(f"/association/placement-runs/{run.id}").status_code == 403
    page = client.get("/").get_data(as_text=True)
    response = client.post(
        f"/association/placement-runs/{run.id}/send", data={"csrf_token": csrf_from(page)}
    )
    assert response.status_code == 403
    assert db.session.get(PlacementRun, run.id).status == RunStatus.DONE


def test_sending_without_the_csrf_token_is_refused(client, login, placement_scene):
    from marketplace.services.placement import runs as placement

    now = utcnow()
    moderator = placement_scene["moderator"]
    run = placement.start_run(
        moderator, placement_scene["factory"].association_id, now, now + timedelta(days=7)
    )
    login(moderator.mobile, PASSWORD)
    response = client.post(f"/association/placement-runs/{run.id}/send", data={})
    assert response.status_code == 400
    assert db.session.get(PlacementRun, run.id).status == RunStatus.DONE
