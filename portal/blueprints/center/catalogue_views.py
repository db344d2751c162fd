"""Catalogue and parameter management by the municipal centre (AP-P5)."""

from portal.blueprints.center import bp  # noqa: F401


@bp.get("/catalogues")
def catalogues():
    return "catalogues: under construction"


@bp.get("/parameters")
def parameters():
    return "parameters: under construction"
