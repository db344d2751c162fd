"""The domains whose route tables the role blueprints bind: the one list to extend."""

from importlib import import_module

from portal.web.routes import bind_table

# Each module has ROUTES: {blueprint name: (route, …)}.
DOMAIN_PAGES = (
    "portal.orgs.pages",
    "portal.catalogue.pages",
    "portal.apprenticeship.programmes.pages",
    "portal.apprenticeship.enrolment.pages",
    "portal.apprenticeship.mentors.pages",
    "portal.apprenticeship.training.pages",
    "portal.apprenticeship.status.pages",
    "portal.apprenticeship.quality.pages",
)


def bind_domains(bp) -> None:
    for name in DOMAIN_PAGES:
        # TRANSITIONAL: tolerate domains not yet converted to a route table.
        try:
            module = import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        table = getattr(module, "ROUTES", None)
        if isinstance(table, dict):
            bind_table(bp, table)


def import_views(package: str, names: tuple[str, ...]) -> None:
    """TRANSITIONAL: import a role blueprint's remaining view modules (home pages stay)."""
    for name in names:
        full = f"{package}.{name}"
        try:
            import_module(full)
        except ModuleNotFoundError as err:
            if err.name != full:
                raise
