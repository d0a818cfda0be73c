"""Walk every page as every role on the demo data: no English left on a Chinese page.

A string someone forgot to wrap for translation is not in the catalogue at all, so comparing
catalogues cannot find it; reading the rendered pages can. Visible text and the attributes
people hear or see (labels, placeholders, titles) are checked for English words.
"""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from marketplace.demo.seed import seed_demo
from marketplace.extensions import db
from marketplace.models import (
    Application,
    PlacementRun,
    Role,
    Shift,
    ShiftStatus,
    TrainingSession,
    User,
    utcnow,
)
from marketplace.services.placement import runs as placement
from tests.conftest import IsolatedClient, csrf_from

DEMO_PASSWORD = "Shaoxing-2020"
ROLES = {
    "visitor": None,
    "worker": "13900000001",
    "factory": "13800000001",
    "moderator": "13700000001",
    "admin": "13600000001",
}
# Words that are the same in both languages: units, and codes people type or read as such.
ALLOWED = {"km", "cny", "id", "uscc"}
# Lower-case letters make a word English prose; capitalised acronyms (PLC, MES) are used in
# Chinese as they are.
ENGLISH_WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]*\b")
SPOKEN_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")


class _VisibleText(HTMLParser):
    """Text a person sees or hears: no scripts, styles, code or e-mail addresses."""

    SKIPPED = {"script", "style", "code"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        self.parts.extend(value or "" for name, value in attrs if name in SPOKEN_ATTRIBUTES)

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    """English-looking words in what the page shows."""
    parser = _VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    text = re.sub(r"\S+@\S+", " ", text)  # e-mail addresses are names, not prose
    text = re.sub(r"\b(?:English|中文)\b", " ", text)  # the language switch names itself
    return {w for w in ENGLISH_WORD.findall(text) if len(w) > 2 and w.lower() not in ALLOWED}


class _Controls(HTMLParser):
    """Form controls a person fills in, and the labels the page gives them."""

    UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.labelled_ids: set[str] = set()
        self._in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._in_label += 1
            if attrs.get("for"):
                self.labelled_ids.add(attrs["for"])
        elif (
            tag in ("input", "select", "textarea")
            and attrs.get("type") not in self.UNLABELLED_TYPES
        ):
            self.controls.append({**attrs, "_inside_label": self._in_label > 0})

    def handle_endtag(self, tag):
        if tag == "label" and self._in_label:
            self._in_label -= 1


def unlabelled_controls(html: str) -> list[str]:
    """Names of the controls with no label a screen reader would announce."""
    parser = _Controls()
    parser.feed(html)
    return [
        control.get("name") or control.get("id") or "?"
        for control in parser.controls
        if not control["_inside_label"]
        and control.get("id") not in parser.labelled_ids
        and not control.get("aria-label")
        and not control.get("aria-labelledby")
    ]


@pytest.fixture
def demo(app):
    """The demo data, with a finished placement run so that its review page has content."""
    seed_demo(workers=60)
    moderator = db.session.scalar(sa.select(User).where(User.role == Role.MODERATOR))
    now = utcnow()
    placement.start_run(moderator, moderator.association_id, now, now + timedelta(days=14))


def _pages(app) -> list[str]:
    """Every GET page without parameters, and one of each page about a demo object."""
    static = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and not rule.rule.startswith(("/api", "/static"))
    )
    shift_id = db.session.scalar(
        sa.select(Shift.id).where(Shift.status == ShiftStatus.OPEN).order_by(Shift.id)
    )
    objects = [f"/shifts/{shift_id}", f"/worker/shifts/{shift_id}"]
    owner = db.session.scalar(sa.select(User).where(User.mobile.like("%13800000001")))
    own_shift = db.session.scalar(
        sa.select(Shift.id)
        .where(Shift.factory_id == owner.memberships[0].factory_id)
        .order_by(Shift.id)
    )
    for page in ("", "/candidates", "/attendance", "/edit"):
        objects.append(f"/factory/shifts/{own_shift}{page}")
    worker = db.session.scalar(sa.select(User).where(User.mobile.like("%13900000001")))
    application_id = db.session.scalar(
        sa.select(Application.id).where(Application.worker_id == worker.worker_profile.id)
    )
    if application_id:
        objects.append(f"/worker/applications/{application_id}")
    run_id = db.session.scalar(sa.select(PlacementRun.id))
    if run_id:
        objects.append(f"/association/placement-runs/{run_id}")
    session_id = db.session.scalar(sa.select(TrainingSession.id))
    if session_id:
        objects.append(f"/association/training/{session_id}")
    return static + objects


def _client_as(app, role: str, language: str):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    if ROLES[role]:
        page = client.get("/auth/login").get_data(as_text=True)
        client.post(
            "/auth/login",
            data={
                "csrf_token": csrf_from(page),
                "identifier": ROLES[role],
                "password": DEMO_PASSWORD,
            },
        )
    return client


def _walk(app, role: str, check) -> tuple[int, dict]:
    """Open every page the role may see; what `check` finds on each, by URL."""
    client = _client_as(app, role, "zh-CN,zh;q=0.9")
    found, opened = {}, 0
    for url in _pages(app):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        opened += 1
        problems = check(response.get_data(as_text=True))
        if problems:
            found[url] = sorted(problems)
    return opened, found


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_a_role_can_open_is_all_chinese(app, demo, role):
    opened, leftovers = _walk(app, role, english_words)
    assert opened >= 2
    assert leftovers == {}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_control_on_every_page_has_a_label(app, demo, role):
    opened, unlabelled = _walk(app, role, unlabelled_controls)
    assert opened >= 2
    assert unlabelled == {}
