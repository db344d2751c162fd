"""The municipal centre maintains the occupation catalogue, its dated lists (AP-P5) and the
policy parameters (AP-$1, AP-E6 …): one function per state change; each audits and flushes.

What was in force yesterday is history: a list version or a parameter value whose effective
date has come is never changed again. List versions are never back-dated; a parameter value
may be, with a stated reason (C-EFF, see ``add_parameter_value``). Only versions and values
that are still in the future may be replaced.

Reading is in ``catalogues`` (look-ups, listings, entry checks), Excel files and the import
preview in ``catalogue_sheets``, the code format in ``portal.rules`` (AP-P5).
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal import rules
from portal.catalogue.lookups import (
    CODE_HINT,
    check_version_date,
    diff_ids,
    known_occupation_ids,
    level_problems,
    levels_text,
    name_problems,
    ordered_levels,
    today,
)
from portal.catalogue.parameters import parameters_on
from portal.catalogue.sheets import ImportPreview, ImportRefused, preview_import
from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError, StateConflict
from portal.core.spreadsheets import UploadStash
from portal.extensions import db
from portal.models import CatalogueItem, CatalogueKind, CatalogueVersion, Occupation, Role
from portal.models import ParameterValue as ParameterRow
from portal.rules.messages import BACKDATE_NEEDS_REASON
from portal.rules.parameters import backdating_problems, is_backdated


def _require_center(actor) -> None:
    if getattr(actor, "role", None) != Role.CENTER:
        raise NotAllowed("只有市就业促进中心可以维护目录和政策参数")


def _flush(conflict: str) -> None:
    try:
        db.session.flush()
    except IntegrityError as err:  # another centre user saved the same key a moment ago
        raise StateConflict(conflict) from err


# ---------------------------------------------------------------------------- occupations


def create_occupation(actor, code: str, name: str, levels: list[str], *,
                      comment: str = "") -> Occupation:
    _require_center(actor)
    code, name = rules.normalise_occupation_code(code), (name or "").strip()
    problems = ([] if rules.is_valid_occupation_code(code) else [CODE_HINT])
    problems += name_problems(name) + level_problems(levels)
    if problems:
        raise ServiceError("；".join(problems))
    if db.session.scalar(sa.select(Occupation.id).where(Occupation.code == code)):
        raise ServiceError(f"编码 {code} 已在职业目录中")
    levels = ordered_levels(levels)
    occupation = Occupation(code=code, name=name, levels=",".join(levels), is_demo=False)
    db.session.add(occupation)
    _flush(f"编码 {code} 刚被他人添加，请刷新后查看")
    audit.record(actor, "occupation", occupation.id, "create",
                 comment=f"{code} {name}（{levels_text(levels)}）{comment}")
    return occupation


def update_occupation(actor, occupation: Occupation, name: str, levels: list[str], *,
                      comment: str = "") -> bool:
    """Name and levels; the code is the occupation's identity (imports match on it)."""
    _require_center(actor)
    name = (name or "").strip()
    problems = name_problems(name) + level_problems(levels)
    if problems:
        raise ServiceError("；".join(problems))
    levels, changes = ordered_levels(levels), []
    if name != occupation.name:
        changes.append(f"名称：{occupation.name} → {name}")
    old_levels = ordered_levels(occupation.level_list)
    if levels != old_levels:
        changes.append(f"等级：{levels_text(old_levels)} → {levels_text(levels)}")
    if not changes:
        return False
    occupation.name, occupation.levels = name, ",".join(levels)
    db.session.flush()
    audit.record(actor, "occupation", occupation.id, "edit",
                 comment=f"{occupation.code}：" + "；".join(changes) + comment)
    return True


# ---------------------------------------------------------------------------- list versions


def create_list_version(actor, kind: CatalogueKind, effective_from: date, occupation_ids,
                        note: str = "", *, day: date | None = None,
                        source: str = "") -> CatalogueVersion:
    """AP-P5: the whole list as in force from `effective_from`; a future one is replaced."""
    _require_center(actor)
    day = day or today()
    ids = set(occupation_ids)
    existing = check_version_date(kind, effective_from, day)
    if ids - known_occupation_ids(ids):
        raise ServiceError("所选职业（工种）有的已不在职业目录中，请刷新后重试")
    note = (note or "").strip()[:200]
    if existing is None:
        version = CatalogueVersion(kind=kind, effective_from=effective_from, note=note,
                                   created_by_id=actor.id)
        db.session.add(version)
        _flush(f"{effective_from} 起施行的版本刚被他人保存，请刷新后查看")
        action = "create"
    else:
        version, action = existing, "replace"
        version.note, version.created_by_id = note, actor.id
        db.session.execute(sa.delete(CatalogueItem).where(CatalogueItem.version_id == version.id))
    if ids:
        db.session.execute(sa.insert(CatalogueItem),
                           [{"version_id": version.id, "occupation_id": i} for i in sorted(ids)])
    db.session.flush()
    added, removed = diff_ids(kind, effective_from, ids)
    audit.record(actor, "catalogue_version", version.id, action, comment=(
        f"{kind.label}：{effective_from} 起施行，共 {len(ids)} 个职业（工种），"
        f"较上一版本新增 {len(added)} 个、移出 {len(removed)} 个{source}"
        + (f"；说明：{note}" if note else "")))
    return version


# ---------------------------------------------------------------------------- Excel import


def apply_import(actor, target: str, data: bytes, effective_from: date | None = None,
                 note: str = "", *, day: date | None = None) -> ImportPreview:
    """All or nothing: re-read and re-check the whole sheet against today's data, then apply."""
    _require_center(actor)
    preview = preview_import(target, data, effective_from, day=day)
    if not preview.ok:
        raise ImportRefused(preview)
    if target != "occupations":
        ids = [row.occupation.id for row in preview.rows]
        create_list_version(actor, CatalogueKind(target), effective_from, ids, note, day=day,
                            source="（Excel 导入）")
        return preview
    for row in preview.rows:
        if row.action == "create":
            create_occupation(actor, row.code, row.name, row.levels, comment="（Excel 导入）")
        elif row.action == "update":
            update_occupation(actor, row.occupation, row.name, row.levels,
                              comment="（Excel 导入）")
    return preview


# ---------------------------------------------------------------------------- parameters

SPECS = {spec.key: spec for spec in rules.PARAMETERS}
# Plausible bounds by unit: a typo (an extra zero) is refused, not put into force.
_RANGES = {"%": (0, 100), "": (0, 1), "人": (1, 100_000)}
_DEFAULT_RANGE = (0, 1_000_000)
_CLASS_SIZE = {"hs_class_min", "hs_class_max"}


def value_range(key: str) -> tuple[int, int]:
    return _RANGES.get(SPECS[key].unit, _DEFAULT_RANGE)


def add_parameter_value(actor, key: str, value: int, effective_from: date, note: str, *,
                        day: date | None = None) -> ParameterRow:
    """AP-$1, AP-$2, AP-E6, AP-P4, HS-P2, HS-$1, C-EFF: a new figure from `effective_from` on.

    C-EFF: `effective_from` may lie in the past (补录, e.g. a minimum wage published late);
    then the reason is required and the audit row says it is back-dated. Checks and reports
    of a past day read `parameters_on(that day)` and so see it. Nothing already stored is
    recomputed: amounts are stored as integers when they are computed (an established
    enrolment keeps its stored figures and flags; paid money, when it comes, likewise) and no
    code path revisits them when a value is added.

    A value already in force (same key and date, on or before today, stored or built into the
    rules layer) is refused, even with a reason: replacing it would rewrite what earlier
    checks were told. The centre enters a new value from a later date instead. Only a value
    still in the future may be replaced.
    """
    _require_center(actor)
    day = day or today()
    spec = SPECS.get(key)
    if spec is None:
        raise ServiceError("未知的政策参数")
    note = (note or "").strip()
    if backdating_problems(effective_from, note, day):
        raise ServiceError(BACKDATE_NEEDS_REASON)
    if not note:
        raise ServiceError("请填写调整理由（如政策文件文号）")
    low, high = value_range(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ServiceError(f"{spec.label}应为 {low} 至 {high} 之间的整数")
    row = db.session.scalar(sa.select(ParameterRow).where(
        ParameterRow.key == key, ParameterRow.effective_from == effective_from))
    built_in = effective_from in {since for since, _value in spec.history}
    if effective_from <= day and (row is not None or built_in):
        raise ServiceError(f"{effective_from} 起施行的数值已经生效，不能再修改；"
                           "如需调整，请录入自以后某日起施行的新数值")
    backdated = is_backdated(effective_from, day)
    action = "backdate" if backdated else "replace" if row is not None else "create"
    before = parameters_on(effective_from)[key]
    if row is None:
        row = ParameterRow(key=key, effective_from=effective_from)
        db.session.add(row)
    row.value, row.note, row.created_by_id = value, note[:200], actor.id
    _flush(f"{effective_from} 起施行的数值刚被他人保存，请刷新后查看")
    in_force = parameters_on(effective_from)
    if key in _CLASS_SIZE and in_force["hs_class_min"] > in_force["hs_class_max"]:
        raise ServiceError("研修每班最少人数不能大于最多人数（HS-P2）")
    when = (f"补录：追溯自 {effective_from} 起施行（{day} 录入，不改变已计算或已拨付的金额）"
            if backdated else f"{effective_from} 起施行")
    audit.record(actor, "parameter_value", row.id, action, from_state=str(before),
                 to_state=str(value), comment=(
                     f"{spec.rule_id} {spec.label}：{before} → {value}{spec.unit}，"
                     f"{when}；理由：{note}"))
    return row


# Uploads awaiting confirmation are kept on the server under a random name.
STASH = UploadStash("catalogue-imports")
