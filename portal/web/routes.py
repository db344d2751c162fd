"""Bind one set of shared pages to several role blueprints, so no role keeps a copy."""

from collections.abc import Callable

# (rule, endpoint, page function taking the role prefix first, methods)
Route = tuple[str, str, Callable, tuple[str, ...]]

GET = ("GET",)
POST = ("POST",)
GET_POST = ("GET", "POST")


def bind(bp, prefix: str | None, routes: tuple[Route, ...]) -> None:
    for rule, endpoint, page, methods in routes:
        view = page if prefix is None else _view(page, prefix, endpoint)
        bp.add_url_rule(rule, endpoint, view, methods=list(methods))


def _view(page: Callable, prefix: str, endpoint: str) -> Callable:
    def view(**url_args):
        return page(prefix, **url_args)

    # Extensions (the rate limiter, error logs) name views by __name__.
    view.__name__ = view.__qualname__ = f"{prefix}_{endpoint}"
    return view
