"""The catalogues' upkeep, with Babel's extraction: `check` fails when a package's marked string
has no translation (or a translation's string is gone); `update` adds the new strings (empty, for
a translator) and drops the gone ones.

    python -m chassis.i18n check services/*/src/*
    python -m chassis.i18n update services/*/src/*

A package is a directory of Python modules and `templates/**.html`; its catalogues live in its
`locale/` directory.
"""

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from chassis.i18n import CATALOGUE, DEFAULT, LANGUAGES

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


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


def problems_of(package: Path) -> list[str]:
    """What a translator still has to do in `package`'s catalogues."""
    template = extracted(package)
    wanted = {message.id for message in template if message.id}
    problems = []
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
