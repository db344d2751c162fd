"""The inbox pages of every logged-in role (issue 14 item 9): the list, opening a message
(a POST that marks it read, then the record's page) and 全部标为已读.

Reading is a GET that writes nothing (a polling or prefetching GET must not mark anything
read); both writes are POST forms with their CSRF token, working without JavaScript.
"""

from flask import abort, flash, redirect, request
from flask_login import current_user

from portal.clock import to_beijing
from portal.extensions import db
from portal.reports.notifications import owners as _owners  # noqa: F401  (registers owners)
from portal.reports.notifications import services
from portal.web.pagination import paginate
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, RoleView, RouteTable, current_view
from portal.worklist import alerts as _alerts  # noqa: F401  (registers issue 14's alerts)

TEMPLATE = "reports/notifications/list.html"
ROLE_BLUEPRINTS = ("enterprise", "institution", "district", "center", "host", "expert",
                   "checkin")
VIEWS = {name: RoleView(blueprint=name) for name in ROLE_BLUEPRINTS}


def list_page():
    view = current_view(VIEWS)
    unread_only = request.args.get("unread") == "1"
    q = services.notifications_for(current_user)
    if unread_only:
        q = q.where(services.Notification.read_at.is_(None))
    page = paginate(q)
    links = {n.id: services.record_link(n, view.blueprint) for n in page.items}
    return page_or_block(TEMPLATE, "results", view=view, page=page, links=links,
                         unread_only=unread_only, to_beijing=to_beijing,
                         unread=services.unread_count(current_user.id))


def open_notification(notification_id: int):
    """Mark the message read and go to its record (the list if it links nowhere)."""
    view = current_view(VIEWS)
    notification = services.own_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    services.mark_read(current_user, notification)
    db.session.commit()
    return redirect(services.record_link(notification, view.blueprint)
                    or view.url("notifications"), code=303)


def read_all():
    view = current_view(VIEWS)
    changed = services.mark_all_read(current_user)
    db.session.commit()
    flash(f"已将 {changed} 条通知标为已读", "success")
    return redirect(view.url("notifications"), code=303)


ROUTES: RouteTable = {name: (
    ("/notifications", "notifications", list_page, GET),
    ("/notifications/<int:notification_id>/open", "open_notification", open_notification, POST),
    ("/notifications/read-all", "read_all_notifications", read_all, POST),
) for name in ROLE_BLUEPRINTS}
