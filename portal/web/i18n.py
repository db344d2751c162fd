"""Template translation and date formatting that cost a look-up, not a context walk.

Flask-Babel's Jinja callables resolve the domain, the locale and its catalogue through
`flask.g` on every `_()`; a list page makes hundreds of those calls. Here the request's
catalogue is looked up once and kept on `g`, and the callables are plain globals, so a call
skips Jinja's pass-context wrapper too. Behaviour is Jinja's "newstyle" gettext: the result
is Markup and `%(name)s` variables are escaped.
"""

from datetime import datetime

import flask_babel
from flask import g
from flask_babel import get_translations
from markupsafe import Markup

from portal.clock import to_beijing


def _catalogue():
    try:
        return g._portal_translations
    except AttributeError:
        g._portal_translations = catalogue = get_translations()
        return catalogue


def gettext(string: str, **variables) -> Markup:
    translated = Markup(_catalogue().ugettext(string))
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    variables.setdefault("num", num)
    return Markup(_catalogue().ungettext(singular, plural, num)) % variables


def pgettext(context: str, string: str, **variables) -> Markup:
    translated = Markup(_catalogue().upgettext(context, string))
    return translated % variables if variables else translated


def init_app(app) -> None:
    """Replace the i18n extension's callables (installed by Babel) with the cheap ones."""
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext,
                                 pgettext=pgettext)
    app.jinja_env.filters.update(datetimeformat=datetimeformat, dateformat=dateformat)


# Numeric CLDR patterns the templates use, as strftime: Babel's formatter parses the pattern
# and walks the locale on every call (tens of microseconds a cell of a list).
_NUMERIC_FIELDS = (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"),
                   ("ss", "%S"))
_STRFTIME: dict[str, str | None] = {}


def _strftime_pattern(pattern: str) -> str | None:
    if pattern not in _STRFTIME:
        converted = pattern.replace("%", "%%")
        for field, directive in _NUMERIC_FIELDS:
            converted = converted.replace(field, directive)
        letters = [c for c in converted.replace("%", "") if c.isascii() and c.isalpha()]
        # Only the fields above may remain (as strftime letters); else Babel formats it.
        _STRFTIME[pattern] = converted if set(letters) <= set("YmdHMS") else None
    return _STRFTIME[pattern]


def datetimeformat(value, format: str = "yyyy-MM-dd HH:mm"):
    """A stored naive-UTC moment in Beijing time (flask_babel's filter, for other patterns)."""
    pattern = _strftime_pattern(format)
    if value is None or pattern is None:
        return flask_babel.format_datetime(value, format)
    return to_beijing(value).strftime(pattern)


def dateformat(value, format: str = "yyyy-MM-dd"):
    pattern = _strftime_pattern(format)
    if value is None or pattern is None:
        return flask_babel.format_date(value, format)
    day = to_beijing(value) if isinstance(value, datetime) else value
    return day.strftime(pattern)
