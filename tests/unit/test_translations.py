"""Every user-visible string in the source has a Chinese translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("marketplace/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalogue(locale: str) -> dict:
    path = ROOT / "marketplace" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    return {
        (m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalogue if m.id and not m.fuzzy
    }


def test_every_message_has_a_chinese_translation():
    catalogue = _catalogue("zh_Hans_CN")
    untranslated = sorted(
        message
        for message in _source_messages()
        if message not in catalogue
        or not (
            catalogue[message].string[0]
            if isinstance(catalogue[message].string, tuple)
            else catalogue[message].string
        )
    )
    assert untranslated == [], "run `make extract-messages` and translate these"
