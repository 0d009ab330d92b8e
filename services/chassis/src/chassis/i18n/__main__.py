"""The catalogues' upkeep, with Babel's extraction: `check` fails when a package's marked string
has no translation (or a translation's string is gone), or when a template shows English text
that is not marked (Babel cannot see that one); `update` adds the new strings (empty, for a
translator) and drops the gone ones.

    python -m chassis.i18n check services/*/src/*
    python -m chassis.i18n update services/*/src/*

A package is a directory of Python modules and `templates/**.html`; its catalogues live in its
`locale/` directory.
"""

import argparse
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from chassis.i18n import CATALOGUE, DEFAULT, LANGUAGES

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
# Words a template may show as they are, in both languages: names and acronyms, and HTML's
# boolean attributes a macro writes between the tags.
UNTRANSLATED_WORDS = {
    "rapport",
    *("csv", "sla", "vip", "nps", "csat", "abc", "utc", "erp", "kpi", "json", "id"),
    *("checked", "selected", "disabled", "required"),
}
# What a reader sees in a template, once its Jinja parts are out: text between the tags and
# the attributes read aloud or shown on hover.
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_SHOWN_ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')
_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&#?\w+;")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


def extracted(package: Path) -> Catalog:
    """Every marked string of `package`, as a template catalogue."""
    template = Catalog(project="Rapport")
    for filename, line, message, comments, context in extract_from_dir(
        str(package),
        method_map=METHODS,
        options_map=OPTIONS,
        keywords=KEYWORDS,
        strip_comment_tags=True,
    ):
        template.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return template


def unmarked_text(source: str) -> list[str]:
    """The English a template shows without `_()` or `{% trans %}` around it."""
    text = _TRANS_BLOCK.sub(" ", _JINJA_COMMENT.sub(" ", source))
    text = _ENTITY.sub(" ", _SCRIPT_OR_STYLE.sub(" ", _JINJA.sub("\x00", text)))
    pieces = _SHOWN_ATTRIBUTE.findall(text) + _TAG.sub("\x00", text).split("\x00")
    return [
        piece.strip()
        for piece in pieces
        if any(word.lower() not in UNTRANSLATED_WORDS for word in _WORD.findall(piece))
    ]


def problems_of(package: Path) -> list[str]:
    """What a translator (or the template's author) still has to do in `package`."""
    template = extracted(package)
    wanted = {message.id for message in template if message.id}
    problems = [
        f"{path}: {text!r} is not marked for translation"
        for path in sorted(package.glob("**/templates/**/*.html"))
        for text in unmarked_text(path.read_text(encoding="utf-8"))
    ]
    for language in LANGUAGES:
        if language == DEFAULT:
            continue
        path = package / "locale" / language.code / CATALOGUE
        if not path.is_file():
            if wanted:
                problems.append(f"{path}: missing ({len(wanted)} strings to translate)")
            continue
        with path.open("rb") as po:
            catalogue = read_po(po, locale=language.code)
        for message in catalogue:
            if not message.id:
                continue
            if message.id not in wanted:
                problems.append(f"{path}: {message.id!r} is no longer used")
                continue
            # A plural's string is a tuple, one form per plural of the language.
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                problems.append(f"{path}: {message.id!r} is not translated")
        for message_id in sorted(wanted - {message.id for message in catalogue}, key=str):
            problems.append(f"{path}: {message_id!r} is not in the catalogue")
    return problems


def update(package: Path) -> None:
    """Bring `package`'s catalogues in line with its marked strings."""
    template = extracted(package)
    for language in LANGUAGES:
        if language == DEFAULT:
            continue
        path = package / "locale" / language.code / CATALOGUE
        if path.is_file():
            with path.open("rb") as po:
                catalogue = read_po(po, locale=language.code)
        elif len(template):
            catalogue = Catalog(locale=language.code, project="Rapport")
        else:
            continue
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as po:
            # No header: the locale gives the plural forms, and no date churns on every update.
            write_po(po, catalogue, width=100, omit_header=True, sort_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m chassis.i18n")
    parser.add_argument("command", choices=["check", "update"])
    parser.add_argument("packages", nargs="+", type=Path)
    arguments = parser.parse_args()
    packages = [path for path in arguments.packages if path.is_dir()]
    if arguments.command == "update":
        for package in packages:
            update(package)
        return 0
    problems = [problem for package in packages for problem in problems_of(package)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} catalogue problems: run `make translations`, translate, commit",
            file=sys.stderr,
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
