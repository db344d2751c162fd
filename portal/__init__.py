"""The Beijing skills-training portal.

Flask is imported inside create_app so that `import portal.rules` works without Flask.
"""


def create_app(config: dict | None = None):
    from flask import Flask

    from portal import config as portal_config
    from portal.core import log_privacy

    log_privacy.install()

    app = Flask(__name__, instance_relative_config=False)
    app.config.update(portal_config.load(config))

    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from portal.web import converters

    converters.init_app(app)

    from portal import (
        cli,
        errors,
        security,
    )
    from portal.blueprints import register_blueprints
    from portal.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
    from portal.web import templating

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    from portal.core import files

    files.init_app(app)  # ahead of CSRF's body parsing: per-view upload limits
    htmx.init_app(app)
    limiter.init_app(app)
    from portal.web import limiter_health

    limiter_health.install()
    # Chinese is the source language; a second language only needs a catalogue.
    babel.init_app(app, default_locale="zh_Hans_CN", default_timezone="Asia/Shanghai")

    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    from portal.web import sql_count
    sql_count.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    return app
