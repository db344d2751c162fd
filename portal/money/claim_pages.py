"""Subsidy claims (补贴申请, AP-W3, AP-$3, AP-$4, C-REV): the enterprise builds and submits,
the district reviews (补贴申请审核), the centre approves (补贴申请审批). One logic in
`money.claims`; each role's view of it here."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, redirect, request
from flask_login import current_user
from sqlalchemy.orm import aliased

from portal.core import audit
from portal.core.access import get_or_404_for
from portal.extensions import db
from portal.models import (
    Apprentice,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Enrolment,
    Occupation,
    Organisation,
    Programme,
    SubsidyAccount,
)
from portal.money import claim_lines, claims
from portal.money import claim_worklist as _worklist  # noqa: F401  (registers the kinds)
from portal.money.access import claims_for
from portal.web import review as review_actions
from portal.web.commit import commit_or_refuse
from portal.web.districts import all_districts
from portal.web.pagination import paginate_rows
from portal.web.render import page_or_block
from portal.web.routes import GET, POST, RoleView, RouteTable, current_view

LIST_TEMPLATE = "money/claim_list.html"
DETAIL_TEMPLATE = "money/claim_detail.html"
PROGRAMME_TEMPLATE = "money/claim_programme.html"
EVENT = "claimReviewed"
Enterprise = aliased(Organisation, name="enterprise")


@dataclass(frozen=True)
class ClaimView(RoleView):
    title: str = "补贴申请"
    default_state: str = "all"
    oldest_first: bool = False
    city_wide: bool = False
    shows_enterprise: bool = True
    review_permission: str | None = None  # C-REV: decides inline and on the claim's page
    applies: bool = False  # the enterprise: builds, refreshes, submits


VIEWS = {
    "enterprise": ClaimView(blueprint="enterprise", shows_enterprise=False, applies=True),
    "district": ClaimView(blueprint="district", title="补贴申请审核",
                          default_state=ClaimState.SUBMITTED.value, oldest_first=True,
                          review_permission="district_review"),
    "center": ClaimView(blueprint="center", title="补贴申请审批",
                        default_state=ClaimState.DISTRICT_APPROVED.value, oldest_first=True,
                        city_wide=True, review_permission="centre_review"),
}
STEPS = {"district": claims.district_review, "center": claims.centre_review}


# --- Lists -------------------------------------------------------------------------------


def with_details(q: sa.Select) -> sa.Select:
    """Each claim with its programme, occupation and enterprise, in the same query."""
    return (q.add_columns(Programme, Occupation, Enterprise)
            .join(Programme, Programme.id == Claim.programme_id)
            .join(Occupation, Occupation.id == Programme.occupation_id)
            .join(Enterprise, Enterprise.id == Claim.enterprise_id))


def claim_filters(view: ClaimView) -> dict:
    """Whitelisted query-string filters."""
    state = request.args.get("state", view.default_state)
    if state not in {s.value for s in ClaimState} | {"all"}:
        state = view.default_state
    kind = request.args.get("kind", "")
    return {"state": state, "kind": kind if kind in {k.value for k in ClaimKind} else "",
            "district": request.args.get("district", "")[:6] if view.city_wide else ""}


def _scoped(filters: dict, with_state: bool = True) -> sa.Select:
    # Apprenticeship claims only: high-skill ones have their own pages (HS-$1), and the
    # counters must count what the list shows.
    q = claims_for(current_user).where(Claim.programme_id.is_not(None))
    if with_state and filters["state"] != "all":
        q = q.where(Claim.state == filters["state"])
    if filters["kind"]:
        q = q.where(Claim.kind == filters["kind"])
    if filters["district"]:
        q = q.where(Claim.district_code == filters["district"])
    return q


def _counts(filters: dict) -> dict[str, int]:
    q = _scoped(filters, with_state=False).with_only_columns(Claim.state, sa.func.count())
    return dict(db.session.execute(q.group_by(Claim.state)).all())


def claim_list():
    view = current_view(VIEWS)
    filters = claim_filters(view)
    order = ((Claim.submitted_at, Claim.id) if view.oldest_first
             else (Claim.created_at.desc(), Claim.id.desc()))
    page = paginate_rows(with_details(_scoped(filters)).order_by(*order))
    return page_or_block(LIST_TEMPLATE, "results", page=page, view=view, filters=filters,
                         counts=_counts(filters), states=list(ClaimState),
                         kinds=list(ClaimKind),
                         districts=all_districts() if view.city_wide else [])


def _load_row(claim_id: int):
    row = db.session.execute(
        with_details(claims_for(current_user)).where(Claim.id == claim_id)).first()
    if row is None:
        abort(404)
    return row


def _row(view: ClaimView, claim_id: int, row_error: str | None = None):
    return page_or_block(LIST_TEMPLATE, "row", r=_load_row(claim_id), view=view,
                         row_error=row_error)


# --- One claim -----------------------------------------------------------------------------


def claim_lines_of(claim_id: int) -> list:
    """The claim's lines with the account and the apprentice, in one query."""
    return db.session.execute(
        sa.select(ClaimLine, SubsidyAccount, Apprentice.name, Apprentice.resident_id)
        .join(SubsidyAccount, SubsidyAccount.id == ClaimLine.account_id)
        .join(Enrolment, Enrolment.id == ClaimLine.enrolment_id)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .where(ClaimLine.claim_id == claim_id)
        .order_by(ClaimLine.id)
    ).all()


def detail(claim_id: int):
    view = current_view(VIEWS)
    row = _load_row(claim_id)
    claim = row.Claim
    lines = claim_lines_of(claim.id)
    pending = sum(1 for line in lines
                  if claim_lines.certificate_pending(line.SubsidyAccount, line.ClaimLine.outcome))
    return page_or_block(DETAIL_TEMPLATE, "content", view=view, row=row, claim=claim,
                         lines=lines, certificate_pending=pending,
                         timeline=audit.timeline(claims.OBJECT_TYPE, claim.id))


def decide(claim_id: int):
    """Inline review (district or centre): the row back for htmx, a redirect otherwise."""
    view = current_view(VIEWS)
    claim = get_or_404_for(current_user, Claim, claim_id)
    return review_actions.decide(
        STEPS[view.blueprint], claim, label=claim.number, event=EVENT,
        render_row=lambda row_error: _row(view, claim_id, row_error),
        detail_url=view.url("claim", claim_id=claim_id), list_url=view.url("claims"))


# --- The enterprise: a programme's claims, new drafts, refresh, submit -------------------


def _own_programme(programme_id: int) -> Programme:
    return get_or_404_for(current_user, Programme, programme_id, "own")


def programme_claims(programme_id: int):
    view = current_view(VIEWS)
    programme = _own_programme(programme_id)
    occupation = db.session.get(Occupation, programme.occupation_id)
    rows = db.session.execute(
        claims_for(current_user).where(Claim.programme_id == programme.id)
        .order_by(Claim.created_at.desc(), Claim.id.desc())).scalars().all()
    return page_or_block(PROGRAMME_TEMPLATE, "content", view=view, programme=programme,
                         occupation=occupation, claims=rows,
                         first_blocker=claims.first_claim_blocker(current_user, programme),
                         final_blocker=claims.final_claim_blocker(current_user, programme))


def _new(programme_id: int, create, done: str):
    view = current_view(VIEWS)
    programme = _own_programme(programme_id)
    made = commit_or_refuse(lambda: create(current_user, programme), done=done)
    if made:
        return redirect(view.url("claim", claim_id=made.value.id))
    return redirect(view.url("programme_claims", programme_id=programme_id))


def new_first_claim(programme_id: int):
    return _new(programme_id, claims.create_first_claim,
                "已生成首次补贴申请草稿，请核对名单和金额后提交。")


def new_final_claim(programme_id: int):
    return _new(programme_id, claims.create_final_claim,
                "已生成剩余补贴申请草稿，请核对名单和金额后提交。")


def _act(claim_id: int, step, done: str):
    claim = get_or_404_for(current_user, Claim, claim_id)
    commit_or_refuse(lambda: step(current_user, claim), done=done)
    return redirect(current_view(VIEWS).url("claim", claim_id=claim_id))


def submit_claim(claim_id: int):
    return _act(claim_id, claims.submit, "补贴申请已提交所在区人社局审核。")


def refresh_claim(claim_id: int):
    return _act(claim_id, claims.refresh, "已按最新学籍和考核结果重新汇总申请名单。")


_READ = (
    ("/claims", "claims", claim_list, GET),
    ("/claims/<int:claim_id>", "claim", detail, GET),
)
_REVIEW = (("/claims/<int:claim_id>/review", "review_claim", decide, POST),)
ROUTES: RouteTable = {
    "enterprise": _READ + (
        ("/programmes/<int:programme_id>/claims", "programme_claims", programme_claims, GET),
        ("/programmes/<int:programme_id>/claims/first", "new_first_claim", new_first_claim,
         POST),
        ("/programmes/<int:programme_id>/claims/final", "new_final_claim", new_final_claim,
         POST),
        ("/claims/<int:claim_id>/submit", "submit_claim", submit_claim, POST),
        ("/claims/<int:claim_id>/refresh", "refresh_claim", refresh_claim, POST),
    ),
    "district": _READ + _REVIEW,
    "center": _READ + _REVIEW,
}
