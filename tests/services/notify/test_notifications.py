"""The inbox (own notifications only), rendering by kind and language, and e-mail delivery.

E-mail goes through a real SMTP conversation with a small server started in the test.
"""

import email
import email.policy
import logging
import socket
import socketserver
import threading
from base64 import b64decode
from datetime import date

import pytest
import sqlalchemy as sa

from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.models import Notification, Role
from marketplace.services.notify import inbox, notifications
from marketplace.services.notify import kinds as notification_kinds
from marketplace.services.notify.mail import deliver_pending

EMITTED_KINDS = [
    "offer_made",
    "offer_accepted",
    "offer_declined",
    "offer_expired",
    "application_received",
    "application_rejected",
    "shift_changed",
    "shift_cancelled",
    "shift_pending_review",
    "shift_approved",
    "shift_rejected",
    "factory_verified",
    "factory_rejected",
    "factory_suspended",
    "factory_reinstated",
    "skill_verified",
    "certificate_verified",
    "report_filed",
    "report_resolved",
    "lending_requested",
    "lending_approved",
    "lending_refused",
    "worker_recalled",
    "training_result",
    "training_cancelled",
    "place_cancelled",
    "waitlist_promoted",
]


def queue(user, kind="lending_approved", **params):
    notification = notifications.notify(user.id, kind, **params)
    db.session.commit()
    return notification


LENDING = {
    "worker": "王秀英",
    "lender": "大唐袜业",
    "borrower": "浙江医疗用品",
    "starts_on": date(2026, 3, 2),
    "ends_on": date(2026, 3, 20),
}


# --- inbox ---------------------------------------------------------------------------------


def test_the_inbox_shows_only_ones_own_newest_first(make_user):
    me, other = make_user(), make_user()
    first, second = queue(me, "offer_made"), queue(me, "shift_changed")
    queue(other, "offer_made")
    assert [n.id for n in inbox.inbox(me)] == [second.id, first.id]
    assert [n.id for n in inbox.inbox(me, limit=1)] == [second.id]
    assert inbox.unread_count(me) == 2 and inbox.unread_count(other) == 1


def test_marking_read_counts_down_and_unread_only_hides_it(make_user):
    me = make_user()
    first, second = queue(me), queue(me)
    assert inbox.mark_read(me, first.id).read_at is not None
    assert inbox.unread_count(me) == 1
    assert [n.id for n in inbox.inbox(me, unread_only=True)] == [second.id]
    read_at = db.session.get(Notification, first.id).read_at
    assert inbox.mark_read(me, first.id).read_at == read_at  # reading again changes nothing


def test_another_users_notification_is_not_found_not_forbidden(make_user):
    me, other = make_user(), make_user()
    theirs = queue(other)
    for notification_id in (theirs.id, 999_999):
        with pytest.raises(NotFound):
            inbox.mark_read(me, notification_id)
    assert db.session.get(Notification, theirs.id).read_at is None


def test_mark_all_read_touches_only_ones_own(make_user):
    me, other = make_user(), make_user()
    queue(me), queue(me), queue(other)
    assert inbox.mark_all_read(me) == 2
    assert inbox.unread_count(me) == 0 and inbox.unread_count(other) == 1
    assert inbox.mark_all_read(me) == 0


# --- rendering -----------------------------------------------------------------------------


def test_every_kind_the_services_emit_has_its_own_message():
    assert set(EMITTED_KINDS) <= set(notification_kinds.KINDS)


def test_a_message_is_filled_from_its_params_in_the_readers_language(make_user):
    notification = queue(make_user(), "lending_requested", **LENDING)
    subject, body = notifications.render(notification, "en")
    assert subject == "Lending request: 王秀英"
    assert body == "浙江医疗用品 asks 大唐袜业 to lend 王秀英 from Mar 2, 2026 to Mar 20, 2026."
    _, body_zh = notifications.render(notification, "zh_Hans_CN")
    assert "2026年3月2日" in body_zh


def test_other_parameter_names_and_missing_ones_still_make_a_message(make_user):
    user = make_user()
    offered = queue(
        user, "offer_made", shift_title="挡车工", expires_at="2026-03-02T04:00:00+00:00"
    )
    subject, body = notifications.render(offered, "en")
    assert subject == "You have an offer: 挡车工"
    assert "挡车工" in body and "%(" not in body and "expires_at" not in body
    bare = queue(user, "shift_cancelled")
    assert notifications.render(bare, "en")[1] == "“—” was cancelled. Reason: —"


def test_an_outcome_picks_the_matching_message(make_user):
    user = make_user()
    passed = queue(user, "training_result", title="缝头速成班", outcome="passed")
    failed = queue(user, "training_result", title="缝头速成班", outcome="failed")
    assert notifications.render(passed, "en")[0] == "Training passed: 缝头速成班"
    assert "did not pass" in notifications.render(failed, "en")[1]


def test_an_unknown_kind_renders_a_generic_message(make_user):
    subject, body = notifications.render(queue(make_user(), "something_new", x=1), "en")
    assert subject == "News from the shared-staff marketplace"
    assert "inbox" in body


# --- e-mail through the log ----------------------------------------------------------------


@pytest.fixture
def mail_log(monkeypatch, caplog):
    """Capture the mail log. Alembic's fileConfig, run by the migrating fixture in this
    process, disables loggers that existed before it, this one included."""
    monkeypatch.setattr(logging.getLogger("marketplace.mail"), "disabled", False)
    caplog.set_level(logging.INFO, logger="marketplace.mail")
    return caplog


def test_without_a_server_mail_is_written_to_the_log_once(app, make_user, mail_log):
    app.config.pop("MAIL_SERVER", None)
    english = make_user(email="wang@example.com")
    english.locale = "en"
    chinese = make_user(email="li@example.com")  # no locale: the default, Chinese
    no_email = make_user()
    for user in (english, chinese, no_email):
        queue(user, "lending_requested", **LENDING)

    assert deliver_pending() == 2

    logged = [r.getMessage() for r in mail_log.records if r.name == "marketplace.mail"]
    assert len(logged) == 2
    [to_wang] = [m for m in logged if "wang@example.com" in m]
    assert "Subject: Lending request: 王秀英" in to_wang and "Mar 2, 2026" in to_wang
    [to_li] = [m for m in logged if "li@example.com" in m]
    assert "2026年3月2日" in to_li
    pending = sa.select(sa.func.count()).where(Notification.emailed_at.is_(None))
    assert db.session.scalar(pending) == 0  # the user without an e-mail is done too
    mail_log.clear()
    assert deliver_pending() == 0
    assert [r for r in mail_log.records if r.name == "marketplace.mail"] == []


def test_the_deliver_command_sends_what_is_pending(app, make_user, mail_log):
    app.config.pop("MAIL_SERVER", None)
    notification = queue(make_user(email="wang@example.com"), "offer_expired", shift="挡车工")
    result = app.test_cli_runner().invoke(args=["notifications", "deliver", "--limit", "10"])
    assert result.exit_code == 0, result.output
    assert "Delivered 1" in result.output
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).emailed_at is not None


# --- e-mail through SMTP -------------------------------------------------------------------


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ")[0].upper()
            if verb == "EHLO":
                self.reply("250-test\r\n250-AUTH PLAIN\r\n250 8BITMIME")
            elif verb == "AUTH":
                self.server.logins.append(b64decode(command.split(" ")[2]).split(b"\0")[1:])
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "RCPT" and "refused@" in command:
                self.reply("550 5.1.1 No such user")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.messages.append(self.read_data())
                self.reply("250 2.0.0 Queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 OK")

    def read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


@pytest.fixture
def smtp_server(app):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.daemon_threads = True
    server.messages, server.logins = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=server.server_address[1],
        MAIL_USE_TLS=False,
        MAIL_USERNAME="platform",
        MAIL_PASSWORD="s3cret",
        MAIL_FROM="noreply@marketplace.example",
    )
    yield server
    server.shutdown()
    server.server_close()


def test_mail_goes_through_smtp_once_in_the_readers_language(app, smtp_server, make_user):
    english = make_user(email="wang@example.com")
    english.locale = "en"
    refused = make_user(email="refused@example.com")
    queue(english, "lending_requested", **LENDING)
    queue(refused, "lending_requested", **LENDING)

    assert deliver_pending() == 1
    assert smtp_server.logins == [[b"platform", b"s3cret"]]
    [raw] = smtp_server.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] == "wang@example.com"
    assert message["From"] == "noreply@marketplace.example"
    assert message["Subject"] == "Lending request: 王秀英"
    assert "from Mar 2, 2026 to Mar 20, 2026" in message.get_content()
    # The refused address is not retried for ever; nothing is sent twice.
    assert deliver_pending() == 0
    assert len(smtp_server.messages) == 1


def test_an_unreachable_server_leaves_mail_for_the_next_run(app, make_user, mail_log):
    with socket.socket() as probe:  # a port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    notification = queue(make_user(email="wang@example.com"))
    assert deliver_pending() == 0
    assert any("will retry" in r.getMessage() for r in mail_log.records)
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).emailed_at is None


def test_staff_of_a_factory_are_found_to_notify(make_factory, make_user):
    factory = make_factory()
    assert notifications.factory_staff_ids(factory.id) == [factory.members[0].user_id]
    assert make_user(Role.FACTORY_STAFF).id not in notifications.factory_staff_ids(factory.id)
