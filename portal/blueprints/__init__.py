"""Role-scoped blueprints; each registers its role guard once."""

from flask import redirect, url_for
from flask_login import current_user

from portal.navigation import home_url


def register_blueprints(app) -> None:
    from portal.blueprints.auditor import bp as auditor
    from portal.blueprints.auth import bp as auth
    from portal.blueprints.center import bp as center
    from portal.blueprints.checkin import bp as checkin
    from portal.blueprints.district import bp as district
    from portal.blueprints.enterprise import bp as enterprise
    from portal.blueprints.expert import bp as expert
    from portal.blueprints.files import bp as files
    from portal.blueprints.health import bp as health
    from portal.blueprints.host import bp as host
    from portal.blueprints.institution import bp as institution
    from portal.blueprints.public import bp as public

    for bp in (auth, enterprise, institution, district, center, checkin, expert, host, auditor,
               files, public, health):
        app.register_blueprint(bp)

    @app.get("/")
    def index():
        if current_user.is_authenticated:
            return redirect(home_url(current_user))
        return redirect(url_for("auth.login"))
