"""The budget and participation pages read in Arabic and French, and their catalogues leave nothing untranslated."""

import ast
import html
import re
from dataclasses import dataclass
from pathlib import Path

import django
import pytest

APPS = Path(__file__).resolve().parents[2] / "gisportal"
CATALOGUES = [
    APPS / app / "locale" / lang / "LC_MESSAGES" / "django.po"
    for app in ("participants", "budgeting")
    for lang in ("ar", "fr")
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\{ *\w+ *\}\}")
BASE = "/pb/6211/2026/"


@dataclass
class Entry:
    flags: list[str]
    fields: dict[str, str]

    @property
    def translations(self) -> list[str]:
        return [value for key, value in self.fields.items() if key.startswith("msgstr")]


def read_catalogue(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header first (polib is not a dependency of the project)."""
    entries: list[Entry] = []
    key = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        starts_entry = line.startswith(("#", "msgctxt ", "msgid "))
        if not entries or (starts_entry and any(k.startswith("msgstr") for k in entries[-1].fields)):
            entries.append(Entry([], {}))
        if line.startswith("#,"):
            entries[-1].flags += [flag.strip() for flag in line[2:].split(",")]
        elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line):
            key = match.group(1)
            entries[-1].fields[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"'):
            entries[-1].fields[key] += ast.literal_eval(line)
    return entries


def plural_forms(header: Entry) -> str:
    return re.search(r"Plural-Forms: (.*)\n", header.fields["msgstr"]).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parts[-5]}-{p.parts[-3]}")
def test_every_entry_is_translated_and_keeps_its_placeholders(path):
    header, *entries = read_catalogue(path)
    assert header.fields["msgid"] == "" and entries
    nplurals = int(re.search(r"nplurals=(\d+)", plural_forms(header)).group(1))  # type: ignore[union-attr]
    for entry in entries:
        msgid = entry.fields["msgid"]
        assert "fuzzy" not in entry.flags, msgid
        assert all(entry.translations), f"untranslated: {msgid!r}"
        wanted = set(PLACEHOLDER.findall(msgid + entry.fields.get("msgid_plural", "")))
        if "msgid_plural" in entry.fields:
            assert len(entry.translations) == nplurals, msgid
            # Arabic may say "one project" or "two projects" in words, without the number.
            assert all(set(PLACEHOLDER.findall(t)) <= wanted for t in entry.translations), msgid
        else:
            assert set(PLACEHOLDER.findall(entry.translations[0])) == wanted, msgid


def test_the_arabic_plural_rule_is_djangos_own():
    """Catalogues whose plural rules differ are kept apart by Django; the same rule keeps one lookup."""
    djangos = read_catalogue(Path(django.__file__).parent / "conf" / "locale" / "ar" / "LC_MESSAGES" / "django.po")[0]
    for path in CATALOGUES:
        if path.parts[-3] == "ar":
            assert plural_forms(read_catalogue(path)[0]) == plural_forms(djangos)


def english_sentences(lang: str) -> list[str]:
    """The apps' own English sentences (three words or more) that this language translates differently."""
    sentences = []
    for path in CATALOGUES:
        if path.parts[-3] == lang:
            for entry in read_catalogue(path)[1:]:
                msgid = entry.fields["msgid"]
                if len(msgid.split()) >= 3 and not PLACEHOLDER.search(msgid) and msgid not in entry.translations:
                    sentences.append(msgid)
    return sentences


def page_text(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return html.unescape(response.content.decode())


PAGES = {
    "ar": {
        "/pb/": [
            "<title>الميزانيات التشاركية — gisportal</title>",
            "يقترح المتساكنون مشاريع لأحيائهم",
            "الآن: المقترحات",
        ],
        "/participate/": ["<h1>شارك</h1>", "رقم هاتفك الجوال أو عنوان بريدك الإلكتروني", "أرسل لي رمزًا"],
        BASE: ["ما يمكنك القيام به الآن", "اقترح مشروعًا", "كامل البلدية", "الاعتمادات المرصودة", "تصفية"],
    },
    "fr": {
        "/pb/": [
            "<title>Budgets participatifs — gisportal</title>",
            "Les habitants proposent des projets",
            "En cours : Propositions",
        ],
        "/participate/": ["<h1>Participer</h1>", "Votre numéro de téléphone portable", "Envoyez-moi un code"],
        BASE: ["Ce que vous pouvez faire maintenant", "Proposer un projet", "Toute la municipalité", "Filtrer"],
    },
}
ENGLISH = ["What you can do now", "Propose a project", "Whole municipality", "Participatory budgets", "Send me a code"]


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_pages_read_in_the_language_asked_for(client, budget, lang):
    prefix = "/ar" if lang == "ar" else ""  # French is the default, at /
    sentences = english_sentences(lang)
    for url, expected in PAGES[lang].items():
        text = page_text(client, prefix + url)
        for phrase in expected:
            assert phrase in text, (url, phrase)
        for english in ENGLISH + sentences:
            assert english not in text, (url, english)


def test_a_closed_ballot_says_so_in_arabic(client, budget):
    text = page_text(client, "/ar" + BASE + "vote/", status=403)
    assert "التصويت غير مفتوح حاليًا." in text and "المرحلة الحالية: المقترحات." in text
    assert "Voting is not open now." not in text
