"""Placeholder: filled by its issue-12 work package."""

from portal.web.routes import RouteTable

ROUTES: RouteTable = {}
