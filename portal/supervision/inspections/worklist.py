"""AP-V1 on the district's worklist: samples with programmes still waiting for their visit.

The count is of samples; the link opens the sample list filtered to exactly those samples.
"""

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import aliased

from portal.models import Inspection, InspectionSample, InspectionSampleItem
from portal.supervision.inspections.access import samples_for
from portal.worklist.registry import WorkKind, register


def has_pending() -> sa.ColumnElement[bool]:
    """A sample with a drawn programme that no inspection of this sample covers yet."""
    item = aliased(InspectionSampleItem)
    covered = sa.exists().where(Inspection.sample_id == item.sample_id,
                                Inspection.programme_id == item.programme_id)
    return sa.exists().where(item.sample_id == InspectionSample.id, ~covered)


register(WorkKind(
    "district-inspection-samples", "抽查样本中有项目待检查", ("district",),
    lambda user: samples_for(user).where(has_pending())
    .with_only_columns(sa.func.count(), sa.func.min(InspectionSample.created_at)),
    lambda user: url_for("district.inspection_samples", pending="1"),
    rule_ids=("AP-V1",),
))
