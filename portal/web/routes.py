"""Route tables: a domain lists each page once; the role blueprints bind the tables.

A page function takes only its URL arguments. What differs between the roles that share a
page (the blueprint its links point into, its labels, which actions it offers) is a small
`RoleView` the page looks up for the blueprint serving the request, never a role string
passed along.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import g, request, url_for

# (rule, endpoint, page function, methods)
Route = tuple[str, str, Callable, tuple[str, ...]]
# blueprint name → the routes that blueprint serves
RouteTable = Mapping[str, tuple[Route, ...]]

GET = ("GET",)
POST = ("POST",)
GET_POST = ("GET", "POST")


def bind(bp, routes: tuple[Route, ...]) -> None:
    for rule, endpoint, page, methods in routes:
        bp.add_url_rule(rule, endpoint, page, methods=list(methods))


def bind_table(bp, table: RouteTable) -> None:
    bind(bp, table.get(bp.name, ()))


@dataclass(frozen=True)
class RoleView:
    """One role's face of a shared page. Domains subclass it for their own labels and flags."""

    blueprint: str

    def endpoint(self, name: str) -> str:
        return f"{self.blueprint}.{name}"

    def url(self, name: str, /, **values) -> str:
        return fast_url(self.endpoint(name), **values)


# Far above any id when a page is built; each argument gets its own.
_PLACEHOLDER = 918_273_645_000


def fast_url(endpoint: str, /, **values) -> str:
    """url_for, built once per request for each endpoint and set of integer arguments.

    A list page links every row (detail, review): building one URL through the router
    costs more than rendering the row. The first call builds the URL with placeholder ids;
    later calls of the request only put the ids in.
    """
    if not values or any(type(v) is not int for v in values.values()):
        return url_for(endpoint, **values)
    names = tuple(sorted(values))
    cache = g.setdefault("_portal_urls", {})
    pattern = cache.get((endpoint, names))
    if pattern is None:
        built = url_for(endpoint, **{n: _PLACEHOLDER + i for i, n in enumerate(names)})
        pattern = built.replace("{", "{{").replace("}", "}}")
        for i, n in enumerate(names):
            pattern = pattern.replace(str(_PLACEHOLDER + i), "{" + n + "}")
        cache[(endpoint, names)] = pattern
    return pattern.format(**values)


def current_view(views: Mapping[str, RoleView]) -> RoleView:
    """The view of the blueprint serving this request (404 for one that has none)."""
    from flask import abort

    view = views.get(request.blueprint or "")
    if view is None:
        abort(404)
    return view

