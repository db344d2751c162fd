"""Per-row widgets of list pages, rendered in Python.

A review queue repeats its decision form in each of up to 100 rows; as a Jinja macro it
cost more than the rest of the row. The markup is the same one `_macros/review.html`
documents (C-REV: the decision form posts with htmx and swaps its own row, and is a plain
POST without JavaScript); every value is escaped by Markup's % (str.format is slower).
"""

from flask import g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from portal.web.i18n import gettext as _

_BUTTON_STYLES = {"return": "secondary", "reject": "contrast"}
_FORM = Markup(
    '<form method="post" class="inline-review" action="%(url)s"\n'
    '      hx-post="%(url)s" hx-target="closest tr" hx-swap="outerHTML">\n'
    '  <input type="hidden" name="csrf_token" value="%(csrf)s">\n'
    '  <label for="comment-%(key)s" class="visually-hidden">%(label)s</label>\n'
    '  <input id="comment-%(key)s" name="comment" type="text" maxlength="%(maxlength)s"'
    ' placeholder="%(hint)s">\n'
    "  %(buttons)s\n"
    "</form>")
_ERROR = Markup('\n<p class="field-error" role="alert">%s</p>')


def default_decisions() -> list[tuple[str, str]]:
    return [("approve", _("通过")), ("return", _("退回修改")), ("reject", _("不予通过"))]


def decision_buttons(decisions=None) -> Markup:
    """The approve / return / reject buttons; the same for every row, so built once a request."""
    cache = g.setdefault("_portal_buttons", {})
    key = repr(decisions)
    if key not in cache:
        buttons = []
        for value, label in decisions or default_decisions():
            style = _BUTTON_STYLES.get(value)
            attrs = Markup(' class="{}"').format(style) if style else ""
            buttons.append(Markup('<button type="submit" name="decision" value="{}"{}>{}</button>')
                           .format(value, attrs, label))
        cache[key] = Markup('<div class="actions">\n  {}\n</div>').format(
            Markup("\n  ").join(buttons))
    return cache[key]


def _form_template(decisions, hint, maxlength, comment_label) -> str:
    """The cell's markup with every shared part filled in and escaped, once a request;
    rows then only put in their (escaped) URL and key."""
    cache = g.setdefault("_portal_review_forms", {})
    signature = (repr(decisions), hint, maxlength, comment_label)
    if signature not in cache:
        filled = _FORM % {"url": Markup("\x00url\x00"), "key": Markup("\x00key\x00"),
                          "csrf": generate_csrf(), "label": comment_label or _("审核意见"),
                          "maxlength": maxlength, "hint": hint or _("意见（退回/不通过必填）"),
                          "buttons": decision_buttons(decisions)}
        cache[signature] = (str(filled).replace("{", "{{").replace("}", "}}")
                            .replace("\x00url\x00", "{url}").replace("\x00key\x00", "{key}"))
    return cache[signature]


def inline_review(url, key, row_error=None, allowed=True, decisions=None, hint=None,
                  maxlength=1000, comment_label=None) -> Markup:
    """A queue row's review cell: the decision form while `allowed`, else 已处理; then the
    refusal of the last attempt, if any."""
    if allowed:
        template = _form_template(decisions, hint, maxlength, comment_label)
        cell = Markup(template.format(url=escape(url), key=escape(key)))
    else:
        cell = Markup('<small class="muted">%s</small>') % _("已处理")
    return cell + _ERROR % row_error if row_error else cell


_BADGE = Markup('<span class="badge badge-%s">%s</span>')


def status_badge(state) -> Markup:
    """A record's state as a coloured badge (the label is the state enum's own)."""
    return _BADGE % (state.value, state.label)
