"""AP-V1: the district's reproducible random sample of its active programmes.

The candidates are the district's approved programmes running on the day of the draw (begun,
not past their planned end, not closed, not suspended); the draw itself is the pure
`rules.inspection.draw_sample`. Drawing again with the same seed on the same day over the
same programmes returns the sample already drawn instead of a copy.
"""

from datetime import date

import sqlalchemy as sa

from portal.apprenticeship.programmes.services import period_end
from portal.clock import today
from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import (
    Inspection,
    InspectionSample,
    InspectionSampleItem,
    Occupation,
    Organisation,
    Programme,
    ReviewState,
)
from portal.rules import assessment as rules
from portal.supervision.inspections.access import records_in

OBJECT_TYPE = "inspection_sample"
ONLY_DISTRICT = "只有区人社局可以抽取本区的检查样本（规则 AP-V1）"
NO_CANDIDATES = "本区当前没有在训的培训项目，无法抽查（规则 AP-V1）"


def candidates(district_code: str, day: date) -> list[int]:
    """AP-V1: ids of the district's programmes in training on `day`, sorted."""
    rows = db.session.execute(
        sa.select(Programme.id, Programme.start_date, Programme.duration_months)
        .where(Programme.district_code == district_code,
               Programme.state == ReviewState.APPROVED, Programme.closed_on.is_(None),
               Programme.suspended_on.is_(None), Programme.start_date <= day)
    ).all()
    return sorted(r.id for r in rows if period_end(r.start_date, r.duration_months) >= day)


def item_ids(sample_id: int) -> list[int]:
    return list(db.session.scalars(
        sa.select(InspectionSampleItem.programme_id)
        .where(InspectionSampleItem.sample_id == sample_id)
        .order_by(InspectionSampleItem.position)))


def _same_draw(district_code: str, seed: int, count: int, percent: int | None,
               pool: int, day: date, drawn: list[int]) -> InspectionSample | None:
    earlier = db.session.scalars(
        sa.select(InspectionSample).where(
            InspectionSample.district_code == district_code, InspectionSample.seed == seed,
            InspectionSample.size == count, InspectionSample.candidates == pool,
            InspectionSample.drawn_on == day,
            InspectionSample.percent.is_(None) if percent is None
            else InspectionSample.percent == percent)
        .order_by(InspectionSample.id)).all()
    return next((s for s in earlier if item_ids(s.id) == drawn), None)


def draw(actor, *, seed: int | None, size: int | None = None, percent: int | None = None,
         day: date | None = None) -> InspectionSample:
    """AP-V1, C-DIST, C-AUD: draw (or find again) the district's sample. Flushes only."""
    if not records_in(actor, actor.district_code):
        raise NotAllowed(ONLY_DISTRICT)
    problems = rules.sample_request_problems(size, percent, seed)
    if problems:
        raise ServiceError("；".join(problems))
    day = day or today()
    district = actor.district_code
    pool = candidates(district, day)
    if not pool:
        raise ServiceError(NO_CANDIDATES)
    count = rules.sample_size(len(pool), size, percent)
    drawn = rules.draw_sample(pool, seed, count)
    earlier = _same_draw(district, seed, count, percent, len(pool), day, drawn)
    if earlier is not None:
        return earlier
    sample = InspectionSample(district_code=district, seed=seed, size=count, percent=percent,
                              candidates=len(pool), drawn_on=day, drawn_by_id=actor.id)
    db.session.add(sample)
    db.session.flush()
    db.session.execute(sa.insert(InspectionSampleItem), [
        {"sample_id": sample.id, "programme_id": pid, "position": i}
        for i, pid in enumerate(drawn, start=1)])
    asked = f"{percent}%" if percent is not None else f"{size}个"
    audit.record(actor, OBJECT_TYPE, sample.id, "draw_sample",
                 comment=f"随机种子 {seed}，按{asked}从 {len(pool)} 个在训项目中抽取 {count} 个")
    db.session.flush()
    return sample


def sample_rows(sample: InspectionSample) -> list:
    """Each sampled programme with its enterprise, occupation and how many inspections of it
    were recorded from this sample (已检查 / 待检查): one query."""
    done = (sa.select(sa.func.count(Inspection.id))
            .where(Inspection.sample_id == sample.id,
                   Inspection.programme_id == InspectionSampleItem.programme_id)
            .correlate(InspectionSampleItem).scalar_subquery())
    return db.session.execute(
        sa.select(InspectionSampleItem.position, Programme, Organisation.name.label("enterprise"),
                  Occupation.name.label("occupation"), done.label("inspected"))
        .join(Programme, Programme.id == InspectionSampleItem.programme_id)
        .join(Organisation, Organisation.id == Programme.enterprise_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .where(InspectionSampleItem.sample_id == sample.id)
        .order_by(InspectionSampleItem.position)).all()


def holds(sample: InspectionSample, programme_id: int) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        InspectionSampleItem.sample_id == sample.id,
        InspectionSampleItem.programme_id == programme_id))) or False
