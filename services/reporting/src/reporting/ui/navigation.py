"""The reporting service's entries in the site's top bar (registered in its pyproject.toml under
the `rapport.navigation` entry points; see chassis.web)."""

from chassis.web import NavEntry

NAVIGATION = (NavEntry("Reporting", "/reporting/"),)
