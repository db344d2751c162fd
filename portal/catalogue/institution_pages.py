"""AP-I4: the catalogue of approved institutions, as enterprises search it."""

from flask import request

from portal.catalogue import institutions
from portal.clock import today
from portal.web.pagination import paginate
from portal.web.render import page_or_block
from portal.web.routes import GET, Route


def institution_catalogue():
    """Searchable by name and occupation; each licence's validity is shown for today."""
    name = request.args.get("q", "").strip()[:50]
    occupation = request.args.get("occupation", "").strip()[:50]
    page = paginate(institutions.search(name, occupation))
    day = today()
    valid = {org.id: institutions.licence_valid_on(org, day) for org in page.items}
    return page_or_block("enterprise/institutions.html", "results", page=page, q=name,
                         occupation=occupation, valid=valid)


ROUTES: tuple[Route, ...] = (
    ("/institutions", "institution_catalogue", institution_catalogue, GET),
)
