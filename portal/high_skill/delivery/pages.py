"""Pages and the route table of delivery (filled by its issue-13 work)."""

from portal.web.routes import RouteTable

ROUTES: RouteTable = {}
