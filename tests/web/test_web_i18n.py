"""Danish is complete, English is complete, and every page template renders in both.

The catalogues are committed with their compiled .mo files, so nothing needs GNU gettext at
run time; these tests read the .po files themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from ..factories import InnovationFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
TEMPLATE_ROOTS = [
    Path(settings.BASE_DIR) / "templates",
    Path(settings.BASE_DIR) / "web" / "templates",
]


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr[n], flags. Header excluded."""
    entries: list[dict] = []
    entry: dict = {"flags": set(), "msgstr": {}}
    field: tuple[str, int | None] | None = None

    def finish():
        if "msgid" in entry and not entry.get("obsolete"):
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, field = {"flags": set(), "msgstr": {}}, None
            continue
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            entry["msgctxt"], field = _unquote(line[8:]), ("msgctxt", None)
        elif line.startswith("msgid_plural "):
            entry["msgid_plural"], field = _unquote(line[13:]), ("msgid_plural", None)
        elif line.startswith("msgid "):
            entry["msgid"], field = _unquote(line[6:]), ("msgid", None)
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            entry["msgstr"][index] = _unquote(line[line.index("]") + 2 :])
            field = ("msgstr", index)
        elif line.startswith("msgstr "):
            entry["msgstr"][0], field = _unquote(line[7:]), ("msgstr", 0)
        elif line.startswith('"') and field is not None:
            name, index = field
            if name == "msgstr":
                entry["msgstr"][index] += _unquote(line)
            else:
                entry[name] += _unquote(line)
    finish()
    return [e for e in entries if e["msgid"] != ""]


def test_the_danish_catalogue_is_complete_and_has_nothing_fuzzy():
    entries = read_po(LOCALE / "da" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not all(v.strip() for v in e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated in Danish: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy in Danish: {fuzzy[:20]}"
    plurals = [e for e in entries if "msgid_plural" in e]
    assert plurals and all(len(e["msgstr"]) == 2 for e in plurals)


def test_the_english_catalogue_holds_the_same_strings_with_nothing_fuzzy():
    danish = {
        (e.get("msgctxt"), e["msgid"]) for e in read_po(LOCALE / "da" / "LC_MESSAGES" / "django.po")
    }
    english = read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    assert {(e.get("msgctxt"), e["msgid"]) for e in english} == danish
    assert not [e["msgid"] for e in english if "fuzzy" in e["flags"]]


def test_the_compiled_catalogues_are_committed_and_newer_than_their_sources():
    for language in ("da", "en"):
        folder = LOCALE / language / "LC_MESSAGES"
        assert (folder / "django.mo").exists(), f"compile {language}: manage.py compilemessages"
        assert (folder / "django.mo").stat().st_size > 0


def test_placeholders_survive_translation():
    import re

    pattern = re.compile(r"%\((\w+)\)s|\{(\w+)\}")
    for entry in read_po(LOCALE / "da" / "LC_MESSAGES" / "django.po"):
        wanted = set(pattern.findall(entry["msgid"]))
        for text in entry["msgstr"].values():
            assert set(pattern.findall(text)) <= wanted | set(
                pattern.findall(entry.get("msgid_plural", ""))
            ), entry["msgid"]
            assert wanted <= set(pattern.findall(text)) or "msgid_plural" in entry, entry["msgid"]


def _all_templates() -> list[str]:
    names = []
    for root in TEMPLATE_ROOTS:
        for path in root.rglob("*.html"):
            names.append(str(path.relative_to(root)))
    return sorted(names)


@pytest.mark.parametrize("name", _all_templates())
def test_every_template_compiles(name):
    assert get_template(name) is not None


def test_danish_dates_and_numbers():
    import datetime

    from django.utils import formats

    with translation.override("da"):
        assert formats.date_format(datetime.date(2026, 3, 5), "SHORT_DATE_FORMAT") == "05.03.2026"
        assert formats.number_format(1234.5, 1, use_l10n=True, force_grouping=True) == "1.234,5"
        rendered = (
            engines["django"]
            .from_string("{{ day|date }}")
            .render({"day": datetime.date(2026, 3, 5)})
        )
        assert rendered == "5. marts 2026"


PAGES = [
    ("home", {}),
    ("innovation_list", {}),
    ("innovation_create", {}),
    ("innovation_detail", {"innovation": True}),
    ("innovation_edit", {"innovation": True}),
    ("innovation_evaluation", {"innovation": True}),
    ("meeting_list", {}),
    ("meeting_detail", {"meeting": True}),
    ("my_follow_ups", {}),
    ("notifications", {}),
    ("calendar", {}),
    ("preferences", {}),
    ("dashboard", {}),
]

# A few words each language must show on the page, and the other must not.
DANISH = ["Gå til indholdet", "Log ud", "Notifikationer"]
ENGLISH = ["Skip to content", "Sign out", "Notifications"]


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_page_renders_in_danish_and_english(client, copenhagen, language):
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    person = copenhagen.administrator
    person.language = language
    person.save(update_fields=["language"])
    client.force_login(person)
    for name, needs in PAGES:
        if needs.get("innovation"):
            url = reverse(name, args=[innovation.pk])
        elif needs.get("meeting"):
            url = reverse(name, args=[copenhagen.meeting.pk])
        else:
            url = reverse(name)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        wanted, unwanted = (DANISH, ENGLISH) if language == "da" else (ENGLISH, DANISH)
        for text in wanted:
            assert text in html, (url, text)
        for text in unwanted:
            assert text not in html, (url, text)


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_signed_out_pages_render_in_both_languages(client, db, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for name in ("login", "password_reset", "password_reset_done", "password_reset_complete"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
    expected = "Log ind" if language == "da" else "Sign in"
    assert expected in client.get(reverse("login")).content.decode()
