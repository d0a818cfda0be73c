"""Roster imports: all rows or none, no duplicates on re-import, invitations, safety, access."""

import io
import os
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.models import (
    AuditEvent,
    ImportStatus,
    Invitation,
    Role,
    User,
    WorkerKind,
    WorkerProfile,
    WorkerSkill,
)
from marketplace.services.accounts import invitations
from marketplace.services.accounts.passwords import verify_password
from marketplace.services.roster import imports as roster
from tests.factories import PASSWORD, valid_national_id
from tests.roster_helpers import generated, rows_to_csv, rows_to_xlsx

# The full 20,000 rows (about 30 s on SQLite); ROSTER_TEST_ROWS=2000 while iterating.
BIG = int(os.environ.get("ROSTER_TEST_ROWS", "20000"))


def _import(scene, data: bytes, filename="roster.xlsx", *, as_factory=False):
    if as_factory:
        return roster.start_import(scene["owner"], filename, data, factory_id=scene["factory"].id)
    return roster.start_import(
        scene["moderator"], filename, data, association_id=scene["association"].id
    )


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _report(job) -> list[dict]:
    db.session.expire_all()
    return db.session.get(type(job), job.id).report


def test_a_roster_imported_twice_leaves_one_worker_per_person(roster_scene):
    data = rows_to_xlsx(generated(roster_scene, BIG))
    started = time.perf_counter()
    first = _import(roster_scene, data)
    assert (first.status, first.created_count, first.invited_count) == ("done", BIG, BIG)
    second = _import(roster_scene, data)
    assert second.status == ImportStatus.DONE
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, BIG)
    assert time.perf_counter() - started < 60
    workers = _count(WorkerProfile)
    assert workers == BIG == _count(User) - 2  # the factory owner and the moderator
    assert _count(Invitation) == BIG
    lent = db.session.scalar(
        sa.select(sa.func.count(WorkerProfile.id)).where(
            WorkerProfile.lender_factory_id == roster_scene["factory"].id
        )
    )
    assert lent == BIG // 5


def test_a_changed_row_updates_the_profile_and_unverifies_a_changed_level(roster_scene):
    rows = generated(roster_scene, 3)
    _import(roster_scene, rows_to_csv(rows), "roster.csv")
    worker = db.session.scalar(sa.select(User).where(User.mobile == "+8613500000001"))
    rows[1].update(kind="专家", skills="织机操作:5", district="柯桥区")
    again = _import(roster_scene, rows_to_csv(rows), "roster.csv")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 1, 2)
    db.session.expire_all()
    profile = worker.worker_profile
    assert profile.kind == WorkerKind.EXPERT
    assert profile.home_district_id == roster_scene["districts"][1].id
    loom = next(s for s in profile.skills if s.skill.code == "weaving.loom_operation")
    assert loom.level == 5 and not loom.is_verified
    assert [e["outcome"] for e in _report(again)] == ["unchanged", "updated", "unchanged"]


def test_broken_rows_import_nothing_and_each_is_reported(roster_scene):
    rows = generated(roster_scene, 8)
    rows[1]["mobile"] = "12345"
    rows[2]["national_id"] = rows[2]["national_id"][:-1] + (
        "0" if rows[2]["national_id"][-1] != "0" else "1"
    )
    rows[3]["skills"] = "绣花:2"
    rows[4]["district"] = "杭州市"
    rows[5]["mobile"] = rows[0]["mobile"]
    rows[6]["skills"] = "验布:9"
    job = _import(roster_scene, rows_to_xlsx(rows))
    assert job.status == ImportStatus.REFUSED
    assert (job.refused_count, job.created_count) == (6, 0)
    assert _count(WorkerProfile) == 0 and _count(Invitation) == 0
    codes = {e["row"]: [p[0] for p in e["problems"]] for e in _report(job)}
    assert codes == {
        3: ["mobile"],
        4: ["national_id"],
        5: ["skill_unknown"],
        6: ["district_unknown"],
        7: ["duplicate"],
        8: ["skill_level"],
    }
    assert all(e["outcome"] == "refused" for e in _report(job))


def test_reasons_are_translated_and_numbers_masked(app, roster_scene):
    from flask_babel import force_locale

    from marketplace.services.roster.reasons import row_reason

    rows = generated(roster_scene, 2)
    rows[1]["skills"] = "验布:9"
    rows[0]["mobile"] = "12345"
    entries = _report(_import(roster_scene, rows_to_csv(rows), "r.csv"))
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        texts = [row_reason(*p) for e in entries for p in e["problems"]]
    assert any("1 到 5" in t or "1至5" in t or "1 至 5" in t for t in texts), texts
    assert entries[1]["mobile"] == "135****0001" and "13500000001" not in str(entries)
    assert rows[1]["national_id"] not in str(entries)


def test_a_mobile_of_a_staff_account_and_a_mismatched_id_are_refused(roster_scene, make_worker):
    other = make_worker(mobile="+8613500000002")
    other.national_id = valid_national_id(7)
    db.session.commit()
    rows = generated(roster_scene, 3)
    rows[0]["mobile"] = roster_scene["moderator"].mobile
    rows[1]["national_id"] = other.national_id  # mobile of nobody, ID of `other`: found by ID
    rows[2]["national_id"] = other.national_id  # also a duplicate of row 3
    job = _import(roster_scene, rows_to_csv(rows), "r.csv")
    codes = {e["row"]: [p[0] for p in e["problems"]] for e in _report(job)}
    assert codes[2] == ["mobile_staff"]
    assert codes[4] == ["duplicate"]
    rows = generated(roster_scene, 2)
    rows[0]["mobile"] = "13500000002"
    rows[0]["national_id"] = valid_national_id(8)
    rows[1]["national_id"] = other.national_id
    job = _import(roster_scene, rows_to_csv(rows), "r.csv")
    codes = {e["row"]: [p[0] for p in e["problems"]] for e in _report(job)}
    # `other` registered on their own: found by their ID number, and none of the importer's.
    assert codes == {2: ["id_differs"], 3: ["worker_unrelated"]}


def test_a_mobile_of_one_worker_with_the_id_of_another_is_refused(roster_scene, make_worker):
    first, second = make_worker(), make_worker()
    second.national_id = valid_national_id(9)
    db.session.commit()
    rows = generated(roster_scene, 1)
    rows[0].update(mobile=first.user.mobile, national_id=second.national_id)
    job = _import(roster_scene, rows_to_csv(rows), "r.csv")
    assert [e["problems"] for e in _report(job)] == [[["mobile_id_mismatch", {}]]]


def test_a_factory_imports_its_own_staff_with_itself_as_lender(roster_scene, make_factory):
    stranger = make_factory(association=roster_scene["association"])
    rows = generated(roster_scene, 5)
    for row in rows:
        row["lender"] = ""
    job = _import(roster_scene, rows_to_csv(rows), "r.csv", as_factory=True)
    assert job.status == ImportStatus.DONE
    lenders = set(db.session.scalars(sa.select(WorkerProfile.lender_factory_id)))
    assert lenders == {None, roster_scene["factory"].id}
    rows[0].update(lender=stranger.uscc, kind="idle_employee")
    job = _import(roster_scene, rows_to_csv(rows), "r.csv", as_factory=True)
    assert [e["problems"][0][0] for e in _report(job)] == ["lender_elsewhere"]


def test_formula_cells_are_imported_as_text(roster_scene):
    rows = generated(roster_scene, 1)
    book = Workbook()
    sheet = book.active
    sheet.append(list(rows[0]) and ["姓名", "手机号码", "人员类型", "区县"])
    formula = '=HYPERLINK("http://example.com","张三")'
    sheet.append([formula, rows[0]["mobile"], "退休人员", "越城区"])
    out = io.BytesIO()
    book.save(out)
    job = _import(roster_scene, out.getvalue())
    assert job.status == ImportStatus.DONE, _report(job)
    assert db.session.scalar(sa.select(User.name).where(User.role == Role.WORKER)) == formula


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("roster.xlsx", "姓名,手机号码,人员类型\n张三,13900000001,退休\n".encode(), "XLSX"),
        ("roster.csv", b"name,mobile,kind\n\x00\x01", "CSV"),
        ("roster.csv", b"\xff\xfe\xfa\xfb" * 10, "GB18030"),
        ("roster.csv", b"name,phone\n", "Columns missing"),
        ("roster.csv", b"", "empty"),
    ],
)
def test_files_that_are_not_rosters_are_refused_at_upload(roster_scene, filename, data, reason):
    with pytest.raises(Invalid) as refused:
        _import(roster_scene, data, filename)
    assert reason in str(refused.value.message)
    assert _count(type(roster.RosterImport())) == 0 if hasattr(roster, "RosterImport") else True


def test_size_and_row_caps(app, roster_scene):
    app.config["ROSTER_MAX_BYTES"] = 100
    with pytest.raises(Invalid, match="larger than"):
        _import(roster_scene, rows_to_csv(generated(roster_scene, 5)), "r.csv")
    app.config["ROSTER_MAX_BYTES"] = 10 * 1024 * 1024
    app.config["ROSTER_MAX_ROWS"] = 3
    job = _import(roster_scene, rows_to_csv(generated(roster_scene, 5)), "r.csv")
    assert (job.status, job.error) == ("refused", "too_many_rows")
    assert _count(WorkerProfile) == 0


def test_gb18030_csv_with_chinese_headers(roster_scene):
    rows = generated(roster_scene, 3)
    job = _import(roster_scene, rows_to_csv(rows, encoding="gb18030"), "r.csv")
    assert (job.status, job.created_count) == ("done", 3)


def test_another_association_or_a_worker_cannot_import_or_see(
    roster_scene, make_user, make_association, make_worker
):
    job = _import(roster_scene, rows_to_csv(generated(roster_scene, 1)), "r.csv")
    outsider = make_user(Role.MODERATOR, association=make_association())
    worker = make_worker().user
    for user in (outsider, worker):
        with pytest.raises(Forbidden):
            roster.get_import(user, job.id)
        with pytest.raises(Forbidden):
            roster.start_import(user, "r.csv", b"x", association_id=roster_scene["association"].id)
        with pytest.raises(Forbidden):
            roster.start_import(user, "r.csv", b"x", factory_id=roster_scene["factory"].id)
    assert roster.get_import(roster_scene["moderator"], job.id) is job
    with pytest.raises(Forbidden):  # the association's own import is not the factory's
        roster.get_import(roster_scene["owner"], job.id)
    with pytest.raises(NotFound):
        roster.get_import(roster_scene["moderator"], job.id + 100)


def test_every_import_is_audited_with_counts_only(roster_scene):
    rows = generated(roster_scene, 4)
    _import(roster_scene, rows_to_csv(rows), "r.csv")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "roster.imported"))
    assert event.details["created_count"] == 4
    dumped = str(event.details)
    assert rows[0]["mobile"][-4:] not in dumped and rows[0]["national_id"] not in dumped


def _invite_link(scene):
    _import(scene, rows_to_csv(generated(scene, 2)), "r.csv")
    job_id = db.session.scalar(sa.select(roster.RosterImport.id))
    return roster.issue_invitations(scene["moderator"], job_id)


def test_an_invitation_sets_the_password_once(roster_scene):
    links = _invite_link(roster_scene)
    assert [link.mobile for link in links] == ["+8613500000000", "+8613500000001"]
    user = invitations.accept(links[0].token, PASSWORD)
    assert verify_password(user.password_hash, PASSWORD)
    with pytest.raises(Conflict):
        invitations.accept(links[0].token, "Another-Loom-9981")
    with pytest.raises(Invalid):
        invitations.accept(links[1].token, "short")


def test_an_invitation_expires_and_a_reissue_replaces_the_link(roster_scene):
    links = _invite_link(roster_scene)
    job_id = db.session.scalar(sa.select(roster.RosterImport.id))
    fresh = roster.issue_invitations(roster_scene["moderator"], job_id)
    with pytest.raises(NotFound):
        invitations.open_invitation(links[0].token)
    invitation = invitations.open_invitation(fresh[0].token)
    invitation.expires_at -= timedelta(days=30)
    db.session.commit()
    with pytest.raises(Conflict, match="expired"):
        invitations.accept(fresh[0].token, PASSWORD)
    # Imported accounts have no usable password until the invitation is used.
    user = db.session.scalar(sa.select(User).where(User.mobile == fresh[1].mobile))
    assert not verify_password(user.password_hash, PASSWORD)
    assert _count(WorkerSkill) > 0
