"""Marking and translating messages, for every layer of a service, the domain included: the
standard library only, like `chassis.errors`.

`_()` translates a message into the language of the request being answered, which
`chassis.i18n` sets; outside a request (a worker, a script) messages stay English. `N_()` only
marks a message for extraction; it is translated where it is shown.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from gettext import NullTranslations

# English: the messages themselves.
_UNTRANSLATED = NullTranslations()
_translations: ContextVar[NullTranslations | None] = ContextVar(
    "rapport_translations", default=None
)


@contextmanager
def translating_with(translations: NullTranslations) -> Iterator[None]:
    """Translate with `translations` inside the block (`chassis.i18n.speaking` uses it)."""
    token = _translations.set(translations)
    try:
        yield
    finally:
        _translations.reset(token)


def gettext(message: str) -> str:
    """`message` in the current language."""
    return (_translations.get() or _UNTRANSLATED).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return (_translations.get() or _UNTRANSLATED).ngettext(singular, plural, count)


_ = gettext


def N_(message: str) -> str:
    """Marks `message` for extraction; it is translated where it is shown (`_(value)`)."""
    return message
