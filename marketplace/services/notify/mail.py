"""E-mailing notifications, outside requests (flask notifications deliver).

Through SMTP when MAIL_SERVER is set, otherwise written to the "marketplace.mail" log.
Each notification is claimed (emailed_at set and committed) before it is sent, so two
runs at once never send one twice; if the server cannot be reached the claim is
undone and the run stops, to be retried by the next one.
"""

import contextlib
import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import select, update

from ...extensions import db
from ...models import Notification, User, utcnow
from .notifications import render

log = logging.getLogger("marketplace.mail")


def deliver_pending(limit: int = 500) -> int:
    """E-mail up to ``limit`` notifications not yet e-mailed; return how many went out."""
    _skip_users_without_email()
    query = (
        select(Notification.id)
        .where(Notification.emailed_at.is_(None))
        .order_by(Notification.id)
        .limit(limit)
    )
    ids = list(db.session.scalars(query))
    sent = 0
    with Outbox() as outbox:
        for notification_id in ids:
            notification = _claim(notification_id)
            if notification is None:
                continue  # another run took it
            try:
                _send_one(outbox, notification)
            except smtplib.SMTPRecipientsRefused:
                # The server will refuse this address every time: do not retry it.
                log.warning("recipient refused for notification %s", notification_id)
                continue
            except (OSError, smtplib.SMTPException):
                log.exception("mail delivery failed; will retry notification %s", notification_id)
                _unclaim(notification_id)
                break
            sent += 1
    return sent


def _skip_users_without_email() -> None:
    # Nothing to send to them; mark theirs done so they are not looked at again.
    no_email = select(User.id).where(User.email.is_(None))
    db.session.execute(
        update(Notification)
        .where(Notification.emailed_at.is_(None), Notification.user_id.in_(no_email))
        .values(emailed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _claim(notification_id: int) -> Notification | None:
    result = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.emailed_at.is_(None))
        .values(emailed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return db.session.get(Notification, notification_id) if result.rowcount == 1 else None


def _unclaim(notification_id: int) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id)
        .values(emailed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _send_one(outbox: "Outbox", notification: Notification) -> None:
    user = db.session.get(User, notification.user_id)
    if user is None or not user.email:
        return
    subject, body = render(notification, _locale_of(user))
    outbox.send(user.email, subject, body)


def _locale_of(user: User) -> str:
    config = current_app.config
    languages = config.get("LANGUAGES", ())
    return user.locale if user.locale in languages else config["BABEL_DEFAULT_LOCALE"]


class Outbox:
    """One SMTP connection for a run, opened at the first message; or the log."""

    def __init__(self):
        config = current_app.config
        self.server = config.get("MAIL_SERVER")
        self.sender = config.get("MAIL_FROM", "marketplace@localhost")
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.smtp is not None:
            # The messages went out already; a rude goodbye changes nothing.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
        return False

    def send(self, to: str, subject: str, body: str) -> None:
        """Send one plain-text message, or log it when no server is configured."""
        if not self.server:
            log.info("mail to %s\nSubject: %s\n\n%s", to, subject, body)
            return
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(body)
        self._connection().send_message(message)

    def _connection(self) -> smtplib.SMTP:
        if self.smtp is None:
            config = current_app.config
            smtp = smtplib.SMTP(
                self.server,
                int(config.get("MAIL_PORT", 25)),
                timeout=float(config.get("MAIL_TIMEOUT", 30)),
            )
            try:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            except (OSError, smtplib.SMTPException):
                smtp.close()
                raise
            self.smtp = smtp
        return self.smtp
