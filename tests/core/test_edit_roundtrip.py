"""Every edit form round-trips: opened and saved unchanged, it succeeds and changes nothing.

The form is read back out of the page as a browser would send it (checked boxes, selected
options, textarea text, input values, the CSRF token), so a field the page fails to fill in
(AP-C2's delivery modes once were) shows up as a refusal or as a changed column.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from portal.extensions import db as _db
from portal.models import (
    EnrolmentState,
    Mentor,
    MentorKind,
    Occupation,
    Organisation,
    Programme,
    ReviewState,
    Role,
    institution_occupation,
)
from tests.enrolment_factories import make_enrolment, make_mentor, programme_parties
from tests.factories import make_institution, make_occupation, make_org, make_user
from tests.programme_factories import make_programme

# Bookkeeping columns a save may touch without changing the record.
IGNORED_COLUMNS = {"updated_at"}


# --- Reading a form out of a page -------------------------------------------------------


class _FormReader(HTMLParser):
    """Collects each <form>'s action and the pairs a browser would submit for it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or a.get("hx-post") or "",
                          "method": (a.get("method") or "get").lower(), "pairs": [],
                          "submit": None}
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["pairs"].append((name, a.get("value", "on")))
            elif kind == "submit":
                self._form["submit"] = self._form["submit"] or (name, a.get("value", ""))
            elif kind not in ("file", "button", "reset", "image"):
                self._form["pairs"].append((name, a.get("value", "")))
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            self._form["submit"] = self._form["submit"] or (name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]  # a single select always sends its shown option
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"]
                self._form["pairs"].append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline right after <textarea>.
            text = self._textarea["text"]
            text = text[1:] if text.startswith("\n") else text
            self._form["pairs"].append((self._textarea["name"], text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_values(page: str, action: str) -> MultiDict:
    """The values the edit form on `page` (posting to `action`, or to itself) would submit."""
    reader = _FormReader()
    reader.feed(page)
    forms = [f for f in reader.forms if f["method"] == "post" and f["action"] in ("", action)]
    assert len(forms) == 1, f"expected one edit form posting to {action}, found {len(forms)}"
    [form] = forms
    pairs = list(form["pairs"])
    if form["submit"]:
        pairs.append(form["submit"])
    assert any(name.endswith("csrf_token") for name, _ in pairs), "the form carries no CSRF token"
    return MultiDict(pairs)


# --- The records and who edits them ------------------------------------------------------


@dataclass
class Case:
    user: object
    url: str
    model: type
    record_id: int
    related: object = None  # extra state of the record beyond its row, e.g. licensed occupations


def _snapshot(case: Case) -> dict:
    table = case.model.__table__
    row = _db.session.execute(sa.select(table).where(table.c.id == case.record_id)).mappings().one()
    values = {k: v for k, v in row.items() if k not in IGNORED_COLUMNS}
    if case.related is not None:
        values["related"] = case.related()
    return values


def _licensed(org_id: int):
    return lambda: sorted(_db.session.scalars(
        sa.select(institution_occupation.c.occupation_id)
        .where(institution_occupation.c.org_id == org_id)))


def _enterprise_organisation():
    org = make_org(state=ReviewState.RETURNED, size="medium", four_centres=True,
                   state_owned=False)
    return Case(make_user(Role.ENTERPRISE, org=org), "/enterprise/organisation/edit",
                Organisation, org.id)


def _institution_organisation():
    occupations = [make_occupation(), make_occupation()]
    org = make_institution(state=ReviewState.DRAFT, occupations=occupations)
    return Case(make_user(Role.INSTITUTION, org=org), "/institution/organisation/edit",
                Organisation, org.id, related=_licensed(org.id))


def _programme():
    programme = make_programme(state=ReviewState.DRAFT, textbooks="《车工工艺学》\n《机械制图》")
    owner, _ = programme_parties(programme)
    return Case(owner, f"/enterprise/programmes/{programme.id}/edit", Programme, programme.id)


def _programme_with_reasoned_length():
    # AP-C3: the reason field is shown only for a non-standard length; it must come back filled.
    programme = make_programme(state=ReviewState.RETURNED, duration_months=6,
                               extension_reason="弹性学制，提前修满学分")
    owner, _ = programme_parties(programme)
    return Case(owner, f"/enterprise/programmes/{programme.id}/edit", Programme, programme.id)


def _enrolment():
    from portal.models import Enrolment

    enrolment = make_enrolment(state=EnrolmentState.DRAFT)
    programme = _db.session.get(Programme, enrolment.programme_id)
    owner, _ = programme_parties(programme)
    return Case(owner, f"/enterprise/enrolments/{enrolment.id}/edit", Enrolment, enrolment.id)


def _enterprise_mentor():
    org = make_org(state=ReviewState.APPROVED)
    mentor = make_mentor(org.id, MentorKind.ENTERPRISE, mobile="13912345678",
                         skill_level="advanced", is_backbone=True)
    return Case(make_user(Role.ENTERPRISE, org=org), f"/enterprise/mentors/{mentor.id}/edit",
                Mentor, mentor.id)


def _institution_teacher():
    org = make_institution()
    mentor = make_mentor(org.id, MentorKind.TEACHER, integrated_or_dual=True, has_mid_title=True)
    return Case(make_user(Role.INSTITUTION, org=org), f"/institution/mentors/{mentor.id}/edit",
                Mentor, mentor.id)


def _occupation():
    occupation = make_occupation()
    return Case(make_user(Role.CENTER),
                f"/center/catalogues/occupations/{occupation.id}/edit", Occupation, occupation.id)


CASES = {
    "enterprise_organisation": _enterprise_organisation,
    "institution_organisation": _institution_organisation,
    "programme": _programme,
    "programme_with_reasoned_length": _programme_with_reasoned_length,
    "enrolment": _enrolment,
    "enterprise_mentor": _enterprise_mentor,
    "institution_teacher": _institution_teacher,
    "occupation": _occupation,
}
# Endpoints the cases above open (each role's copy of a shared page counts once).
COVERED_ENDPOINTS = {
    "enterprise.edit_organisation", "institution.edit_organisation",
    "enterprise.edit_programme", "enterprise.edit_enrolment",
    "enterprise.edit_mentor", "institution.edit_mentor",
    "center.edit_occupation", "center.update_occupation",
} | {
    # The high-skill edit pages' cases live beside them (tests/high_skill/*/…roundtrip.py,
    # each asserting it covers exactly its share of these).
    "center.edit_hs_call", "host.edit_organisation",
    *(f"{bp}.{page}" for bp in ("enterprise", "institution", "host")
      for page in ("edit_hs_proposal", "hs_list_edit")),
}


def _errors(body: str) -> list[str]:
    """What a refused save tells the user: field errors and error flashes."""
    fields = re.findall(r'class="field-error"[^>]*>([^<]+)<', body)
    return fields + re.findall(r'class="flash flash-error"[^>]*>(.*?)</div>', body, re.S)


def _save_unchanged(client, login, case: Case):
    login(case.user)
    page = client.get(case.url)
    assert page.status_code == 200, page.get_data(as_text=True)
    posted = form_values(page.get_data(as_text=True), case.url)
    return client.post(case.url, data=posted, content_type="multipart/form-data", csrf=False)


@pytest.mark.parametrize("record", sorted(CASES))
def test_edit_unchanged_record_saves_and_changes_nothing(client, login, db, record):
    case = CASES[record]()
    before = _snapshot(case)
    response = _save_unchanged(client, login, case)
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 302), _errors(body) or body
    assert _errors(body) == []
    db.session.expire_all()
    assert _snapshot(case) == before


def test_AP_C2_programme_edit_keeps_delivery_modes(client, login, db):
    programme = make_programme(state=ReviewState.DRAFT, delivery_modes="face_to_face,online")
    owner, _ = programme_parties(programme)
    login(owner)
    url = f"/enterprise/programmes/{programme.id}/edit"
    posted = form_values(client.get(url).get_data(as_text=True), url)
    assert sorted(posted.getlist("delivery_modes")) == ["face_to_face", "online"]
    response = client.post(url, data=posted, content_type="multipart/form-data", csrf=False)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Programme, programme.id)
    assert saved.delivery_modes == "face_to_face,online"
    # Nothing changed, so the institution's consent to this plan (AP-W1) still stands.
    assert saved.institution_confirmed_at is not None


def test_every_edit_route_has_a_round_trip_case(app):
    """A new edit page must join CASES above, so its form is round-tripped too."""
    edit_endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                      if rule.rule.rstrip("/").endswith("/edit")}
    assert edit_endpoints - COVERED_ENDPOINTS == set()


def test_form_reader_reads_what_a_browser_sends():
    page = """<form method="post" action="/x/edit">
      <input type="hidden" name="csrf_token" value="t">
      <input name="name" value="甲&amp;乙"><input type="file" name="f">
      <input type="checkbox" name="m" value="a" checked><input type="checkbox" name="m" value="b">
      <input type="checkbox" name="flag" value="y">
      <select name="s"><option value="1">一</option><option value="2" selected>二</option></select>
      <select name="first"><option value="">请选择</option><option value="9">九</option></select>
      <textarea name="t">
line 1
line 2</textarea>
      <button type="submit">保存</button>
    </form><form method="post" action="/logout"><input name="csrf_token" value="t"></form>"""
    values = form_values(page, "/x/edit")
    assert values.to_dict(flat=False) == {
        "csrf_token": ["t"], "name": ["甲&乙"], "m": ["a"], "s": ["2"], "first": [""],
        "t": ["line 1\nline 2"],
    }
