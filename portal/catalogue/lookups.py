"""The occupation catalogue and its dated lists as read (AP-P5): look-ups by date, the
listings of the centre's pages, and the checks an entry must pass before it is written.

Nothing here changes state; the changes are in ``catalogue_admin``.
"""

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.catalogue.parameters import parameters_on
from portal.clock import today  # noqa: F401 - today is part of this module's API
from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import CatalogueItem, CatalogueKind, CatalogueVersion, Occupation, User
from portal.models import ParameterValue as ParameterRow

CODE_HINT = "编码格式应为 X-XX-XX-XX（工种可再加 -XX），如 6-18-01-01"
NAME_MAX = 80
_LEVEL_BY_TEXT = {**{label: code for code, label in rules.LEVEL_LABELS.items()},
                  **{code: code for code in rules.LEVELS}}
_LEVEL_SPLIT = re.compile(r"[、,，;；/\s]+")
LEVEL_HINT = "可填：" + "、".join(rules.LEVEL_LABELS.values())
_IN_CHUNK = 500  # codes per IN (...) query: well inside SQLite's bound-parameter limit




def version_in_force(kind: CatalogueKind, day: date) -> CatalogueVersion | None:
    """AP-P5: the newest version of `kind` whose effective date is on or before `day`."""
    return db.session.scalar(
        sa.select(CatalogueVersion)
        .where(CatalogueVersion.kind == kind, CatalogueVersion.effective_from <= day)
        .order_by(CatalogueVersion.effective_from.desc())
        .limit(1)
    )


def memberships(occupation_ids, day: date) -> dict[int, set[CatalogueKind]]:
    """AP-P5: for each occupation, the lists it is on in the versions in force on `day`.

    One query for any number of occupations, so list pages stay constant in queries.
    """
    ids = list(occupation_ids)
    found = memberships_on((i, day) for i in ids)
    return {i: found[(i, day)] for i in ids}


def flags_for(occupation_id: int, day: date) -> set[CatalogueKind]:
    return memberships([occupation_id], day)[occupation_id]


def memberships_on(pairs) -> dict[tuple[int, date], set[CatalogueKind]]:
    """AP-P5: the lists each (occupation, day) is on, for any mix of days, in one query.

    Every version is read with the listed occupations it holds (versions are few), and the
    version in force on each day is chosen here, so a page of programmes starting on fifty
    different days still costs one query.
    """
    pairs = set(pairs)
    result: dict[tuple[int, date], set[CatalogueKind]] = {pair: set() for pair in pairs}
    if not pairs:
        return result
    ids = sorted({occupation_id for occupation_id, _day in pairs})
    rows = db.session.execute(
        sa.select(CatalogueVersion.kind, CatalogueVersion.effective_from,
                  CatalogueItem.occupation_id)
        .outerjoin(CatalogueItem, sa.and_(CatalogueItem.version_id == CatalogueVersion.id,
                                          CatalogueItem.occupation_id.in_(ids)))
    )
    members: dict[tuple[CatalogueKind, date], set[int]] = {}
    for kind, since, occupation_id in rows:
        held = members.setdefault((CatalogueKind(kind), since), set())
        if occupation_id is not None:
            held.add(occupation_id)
    by_kind: dict[CatalogueKind, list[date]] = {}
    for kind, since in sorted(members):
        by_kind.setdefault(kind, []).append(since)
    for occupation_id, day in pairs:
        for kind, dates in by_kind.items():
            in_force = max((since for since in dates if since <= day), default=None)
            if in_force is not None and occupation_id in members[(kind, in_force)]:
                result[(occupation_id, day)].add(kind)
    return result


# ---------------------------------------------------------------------------- entry checks


def parse_levels(text: str) -> tuple[list[str], list[str]]:
    """Level codes in LEVELS order from Chinese names or codes; and the tokens not understood."""
    found, unknown = set(), []
    for token in filter(None, _LEVEL_SPLIT.split(text or "")):
        level = _LEVEL_BY_TEXT.get(token) or _LEVEL_BY_TEXT.get(token.removesuffix("工"))
        if level:
            found.add(level)
        else:
            unknown.append(token)
    return [lv for lv in rules.LEVELS if lv in found], unknown


def levels_text(levels) -> str:
    return "、".join(rules.LEVEL_LABELS[lv] for lv in levels)


def ordered_levels(levels) -> list[str]:
    """Stored in LEVELS order, so that equal sets compare (and export) equal."""
    return [lv for lv in rules.LEVELS if lv in set(levels)]


def name_problems(name: str) -> list[str]:
    if not name:
        return ["职业（工种）名称不能为空"]
    if len(name) > NAME_MAX:
        return [f"职业（工种）名称不能超过 {NAME_MAX} 个字"]
    if name.startswith("="):
        return ["职业（工种）名称不能以“=”开头"]
    return []


def level_problems(levels: list[str]) -> list[str]:
    if not levels:
        return [f"至少填写一个等级（{LEVEL_HINT}）"]
    return [] if set(levels) <= set(rules.LEVELS) else [f"等级无法识别（{LEVEL_HINT}）"]


def check_version_date(kind: CatalogueKind, effective_from: date,
                       day: date) -> CatalogueVersion | None:
    """AP-P5: the future version of that date to replace, None for a new one; else refuse."""
    if effective_from < day:
        raise ServiceError("生效日期不能早于今天：已经施行的目录不能追溯修改（AP-P5）")
    existing = db.session.scalar(sa.select(CatalogueVersion).where(
        CatalogueVersion.kind == kind, CatalogueVersion.effective_from == effective_from))
    if existing is not None and existing.effective_from <= day:
        raise ServiceError(f"{effective_from} 起施行的版本已经生效，不能再修改；"
                           "请另定一个以后的生效日期（AP-P5）")
    return existing


# ---------------------------------------------------------------------------- occupations


def _chunks(values: list, size: int = _IN_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def known_occupation_ids(ids) -> set[int]:
    """Those of `ids` that are (still) in the catalogue."""
    known: set[int] = set()
    for chunk in _chunks(sorted(ids)):
        known.update(db.session.scalars(sa.select(Occupation.id).where(Occupation.id.in_(chunk))))
    return known


def occupations_by_code(codes) -> dict[str, Occupation]:
    found: dict[str, Occupation] = {}
    for chunk in _chunks(sorted(set(codes))):
        found.update((o.code, o) for o in db.session.scalars(
            sa.select(Occupation).where(Occupation.code.in_(chunk))))
    return found


def occupations_by_ids(ids) -> list[Occupation]:
    found: list[Occupation] = []
    for chunk in _chunks(sorted(ids)):
        found += db.session.scalars(sa.select(Occupation).where(Occupation.id.in_(chunk)))
    return sorted(found, key=lambda o: o.code)


def occupation_search(q: str, kind: CatalogueKind | None, day: date) -> sa.Select:
    stmt = sa.select(Occupation).order_by(Occupation.code)
    if q:
        code = rules.normalise_occupation_code(q)
        stmt = stmt.where(sa.or_(Occupation.code.startswith(code, autoescape=True),
                                 Occupation.name.contains(q, autoescape=True)))
    if kind is not None:
        in_force = (sa.select(CatalogueVersion.id)
                    .where(CatalogueVersion.kind == kind, CatalogueVersion.effective_from <= day)
                    .order_by(CatalogueVersion.effective_from.desc()).limit(1).scalar_subquery())
        stmt = stmt.where(Occupation.id.in_(
            sa.select(CatalogueItem.occupation_id).where(CatalogueItem.version_id == in_force)))
    return stmt


# ---------------------------------------------------------------------------- list versions


def previous_version(kind: CatalogueKind, before: date) -> CatalogueVersion | None:
    return db.session.scalar(
        sa.select(CatalogueVersion)
        .where(CatalogueVersion.kind == kind, CatalogueVersion.effective_from < before)
        .order_by(CatalogueVersion.effective_from.desc()).limit(1))


def member_ids(version: CatalogueVersion | None) -> set[int]:
    if version is None:
        return set()
    return set(db.session.scalars(
        sa.select(CatalogueItem.occupation_id).where(CatalogueItem.version_id == version.id)))


def diff_ids(kind: CatalogueKind, effective_from: date, ids: set[int]) -> tuple[set, set]:
    """AP-P5: occupations added to and removed from the list vs the version before."""
    before = member_ids(previous_version(kind, effective_from))
    return ids - before, before - ids


@dataclass
class VersionInfo:
    version: CatalogueVersion
    size: int
    creator: str | None
    state: str = "superseded"  # future | in_force | superseded


def versions(kind: CatalogueKind | None, day: date) -> list[VersionInfo]:
    """AP-P5: every version with its size and state on `day`, newest first, in one query."""
    stmt = (sa.select(CatalogueVersion, sa.func.count(CatalogueItem.occupation_id),
                      User.display_name)
            .outerjoin(CatalogueItem, CatalogueItem.version_id == CatalogueVersion.id)
            .outerjoin(User, User.id == CatalogueVersion.created_by_id)
            .group_by(CatalogueVersion.id, User.display_name)
            .order_by(CatalogueVersion.kind, CatalogueVersion.effective_from.desc()))
    if kind is not None:
        stmt = stmt.where(CatalogueVersion.kind == kind)
    found, seen = [], set()
    for version, size, creator in db.session.execute(stmt):
        info = VersionInfo(version, size, creator)
        if version.effective_from > day:
            info.state = "future"
        elif version.kind not in seen:
            info.state = "in_force"
            seen.add(version.kind)
        found.append(info)
    return found


def list_summary(day: date) -> dict[CatalogueKind, dict[str, VersionInfo | None]]:
    """Per list: the version in force on `day` and the next one to come."""
    summary = {kind: {"in_force": None, "next": None} for kind in CatalogueKind}
    for info in versions(None, day):
        if info.state == "in_force":
            summary[info.version.kind]["in_force"] = info
        elif info.state == "future":  # newest first: the last one seen is the nearest
            summary[info.version.kind]["next"] = info
    return summary


def members_select(version: CatalogueVersion) -> sa.Select:
    return (sa.select(Occupation)
            .join(CatalogueItem, CatalogueItem.occupation_id == Occupation.id)
            .where(CatalogueItem.version_id == version.id).order_by(Occupation.code))


def version_diff(version: CatalogueVersion) -> dict:
    """AP-P5: what this version added to and removed from the one before it."""
    previous = previous_version(version.kind, version.effective_from)
    current, before = member_ids(version), member_ids(previous)
    return {"previous": previous, "added": occupations_by_ids(current - before),
            "removed": occupations_by_ids(before - current)}


def base_version(kind: CatalogueKind, from_id: int | None, day: date) -> CatalogueVersion | None:
    """The version a new one starts from: the one asked for, else the newest (even future)."""
    if from_id is not None:
        version = db.session.get(CatalogueVersion, from_id)
        return version if version is not None and version.kind == kind else None
    return db.session.scalar(sa.select(CatalogueVersion).where(CatalogueVersion.kind == kind)
                             .order_by(CatalogueVersion.effective_from.desc()).limit(1))


def version_form_data(base: CatalogueVersion | None, day: date) -> dict:
    data = {"occupation_ids": sorted(member_ids(base))}
    if base is not None and base.effective_from > day:  # a future version: edit in place
        data.update(effective_from=base.effective_from, note=base.note)
    return data


# ---------------------------------------------------------------------------- parameters page


@dataclass
class ParameterOverview:
    spec: rules.ParameterSpec
    value: int
    current: ParameterRow | None
    history: list[tuple[ParameterRow, str | None, str]]


def parameter_overview(day: date) -> list[ParameterOverview]:
    """Every parameter: the value in force on `day` and its dated history (two queries)."""
    in_force = parameters_on(day)
    history: dict[str, list] = {spec.key: [] for spec in rules.PARAMETERS}
    rows = db.session.execute(
        sa.select(ParameterRow, User.display_name)
        .outerjoin(User, User.id == ParameterRow.created_by_id)
        .order_by(ParameterRow.key, ParameterRow.effective_from.desc()))
    for row, creator in rows:
        if row.key in history:
            history[row.key].append(row_info := [row, creator, "superseded"])
            if row.effective_from > day:
                row_info[2] = "future"
            elif all(entry[2] != "in_force" for entry in history[row.key]):
                row_info[2] = "in_force"
    return [ParameterOverview(
        spec, in_force[spec.key],
        next((row for row, _c, state in history[spec.key] if state == "in_force"), None),
        [tuple(entry) for entry in history[spec.key]]) for spec in rules.PARAMETERS]
