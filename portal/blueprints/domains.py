"""The domains whose route tables the role blueprints bind: the one list to extend."""

from importlib import import_module

from portal.web.routes import bind_table

# Each module has ROUTES: {blueprint name: (route, …)}.
DOMAIN_PAGES = (
    "portal.catalogue.pages",
)


def bind_domains(bp) -> None:
    for name in DOMAIN_PAGES:
        bind_table(bp, import_module(name).ROUTES)
