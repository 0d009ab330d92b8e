"""The reporting service's entries in the site's top bar (registered in its pyproject.toml under
the `rapport.navigation` entry points; see chassis.web)."""

from chassis.i18n import N_
from chassis.web import NavEntry

NAVIGATION = (NavEntry(N_("Reporting"), "/reporting/"),)
