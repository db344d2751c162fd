"""`seed-scale`: a city of N apprentices in every state, by bulk Core inserts.

Reproducible: the same seed on an empty database gives the same rows; dates are relative
to portal.clock's today, so a run on another day shifts them. Ids are assigned here (no
RETURNING round trips); PostgreSQL's sequences are moved past them afterwards.
"""

import random
from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa

from portal import demo_data, rules
from portal.accounts.passwords import hash_password
from portal.city.identity import Identities
from portal.clock import now_utc, today
from portal.extensions import db
from portal.models import (
    Apprentice,
    AuditLog,
    CheckIn,
    ClassSession,
    Enrolment,
    Mentor,
    Organisation,
    Programme,
    TrainingAgreement,
    User,
    institution_occupation,
)
from portal.reference import DISTRICTS

PASSWORD = "Scale-2026"
CHAOYANG = "110105"
CHUNK = 5000
# Share of organisations (and so of programmes and apprentices) per district: 朝阳 is big.
_WEIGHTS = {CHAOYANG: 5, "110108": 4, "110106": 3, "110112": 2, "110302": 2}
PROGRAMME_STATES = (("approved", 60), ("submitted", 12), ("returned", 5),
                    ("district_approved", 8), ("rejected", 5), ("draft", 10))
ENROLMENT_STATES = (("active", 66), ("submitted", 12), ("returned", 3), ("draft", 3),
                    ("rejected", 2), ("suspended", 3), ("withdrawn", 5), ("transferred", 1),
                    ("completed", 5))
HOLDING = {"submitted", "active", "suspended"}
ESTABLISHED = {"active", "suspended", "withdrawn", "transferred", "completed"}
_ORG_QUEUE = ("submitted", "returned", "district_approved", "rejected", "draft")
SEATS = 40
TODAY_SESSIONS = 100  # approved programmes with a class under way today


class Writer:
    """Buffered bulk inserts, a chunk at a time, with ids counted per table."""

    def __init__(self):
        self.rows: dict[sa.Table, list[dict]] = {}
        self.counts: Counter = Counter()
        self.next_id: Counter = Counter()

    def id(self, table: sa.Table) -> int:
        if table.name not in self.next_id:  # after the rows already there (reference data)
            self.next_id[table.name] = db.session.scalar(
                sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))
        self.next_id[table.name] += 1
        return self.next_id[table.name]

    def add(self, table: sa.Table, row: dict) -> dict:
        self.rows.setdefault(table, []).append(row)
        if len(self.rows[table]) >= CHUNK:
            self.flush()
        return row

    def flush(self) -> None:
        """Every buffer, parents before children (foreign keys are checked at once)."""
        for t in db.metadata.sorted_tables:
            if self.rows.get(t):
                db.session.execute(sa.insert(t), self.rows[t])
                self.counts[t.name] += len(self.rows[t])
                self.rows[t] = []


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class City:
    def __init__(self, apprentices: int, seed: int):
        self.rng = random.Random(seed)
        self.people = Identities(self.rng)
        self.w = Writer()
        self.n = apprentices
        self.today = today()
        self.now = now_utc()
        self.password = hash_password(PASSWORD)  # once: argon2 costs ~100 ms a hash
        self.districts = [code for code, _name in DISTRICTS]
        self.occupations = self._occupations()

    def _occupations(self) -> list[tuple[int, bool, bool]]:
        """(id, urgent, in assessment scope) of the demo catalogue's allowed occupations."""
        ids = dict(db.session.execute(sa.select(sa.text("code"), sa.text("id"))
                                      .select_from(sa.text("occupation"))).all())
        return [(ids[code], urgent, scope) for code, _n, _l, urgent, scope, banned
                in demo_data.OCCUPATIONS if not banned and code in ids]

    def _district(self) -> str:
        return self.rng.choices(self.districts,
                                [_WEIGHTS.get(d, 1) for d in self.districts])[0]

    def ago(self, days_max: int, days_min: int = 1):
        return self.now - timedelta(days=self.rng.randint(days_min, days_max),
                                    minutes=self.rng.randint(0, 600))

    def audit(self, object_type, object_id, action, actor, role, at, from_state=None,
              to_state=None, comment=""):
        self.w.add(AuditLog.__table__, dict(
            at=at, actor_id=actor, actor_role=role, object_type=object_type,
            object_id=object_id, action=action, from_state=from_state, to_state=to_state,
            comment=comment))

    # ---------------------------------------------------------------------- organisations

    def users(self) -> None:
        add, t = self.w.add, User.__table__
        self.center = self.w.id(t)
        add(t, dict(id=self.center, username="s-center", password_hash=self.password,
                    role="center", display_name="市就业促进中心（规模数据）", district_code=None,
                    org_id=None))
        self.reviewer = {}
        for code, name in DISTRICTS:
            self.reviewer[code] = self.w.id(t)
            add(t, dict(id=self.reviewer[code], username=f"s-{code}", password_hash=self.password,
                        role="district", display_name=f"{name}审核员（规模数据）",
                        district_code=code, org_id=None))

    def organisations(self) -> None:
        t, users = Organisation.__table__, User.__table__
        self.enterprises: dict[str, list[int]] = {d: [] for d in self.districts}
        self.institutions: list[int] = []
        self.org_user: dict[int, int] = {}
        self.org_district: dict[int, str] = {}
        count = max(20, self.n // 10)
        for i in range(count + max(8, self.n // 150)):
            institution = i >= count
            district = self._district()
            if i < len(_ORG_QUEUE):  # every review state, even in a small city
                state = _ORG_QUEUE[i]
            else:
                state = "approved" if institution or self.rng.random() < 0.85 else _weighted(
                    self.rng, (("submitted", 4), ("returned", 1), ("district_approved", 2),
                               ("rejected", 1), ("draft", 2)))
            org_id = self.w.id(t)
            submitted = self.ago(900, 30) if state != "draft" else None
            self.w.add(t, dict(
                id=org_id, kind="institution" if institution else "enterprise",
                credit_code=self.people.credit_code(district, institution),
                name=(self.people.school_name if institution else self.people.enterprise_name)(i),
                district_code=district, address=f"北京市{dict(DISTRICTS)[district]}示例路{i}号",
                contact_name=self.people.name(), contact_phone=self.people.mobile(),
                state=state, submitted_at=submitted,
                decided_at=submitted + timedelta(days=3) if state in ("approved", "rejected")
                else None,
                size=None if institution else _weighted(
                    self.rng, (("micro", 3), ("small", 4), ("medium", 2), ("large", 1))),
                four_centres=not institution and self.rng.random() < 0.1,
                attests_training_system=True,
                institution_type="technical_school" if institution else None,
                independent_legal_person=institution, attests_conditions=institution,
                licence_no=f"京人社技许字{i:06d}号" if institution else None,
                licence_authority="北京市人力资源和社会保障局" if institution else None,
                licence_valid_from=date(2020, 1, 1) if institution else None))
            self.org_district[org_id] = district
            self.org_user[org_id] = self.w.id(users)
            self.w.add(users, dict(
                id=self.org_user[org_id], username=f"s-org-{org_id}",
                password_hash=self.password, role="institution" if institution else "enterprise",
                display_name=f"单位经办人{org_id}", district_code=None, org_id=org_id))
            self.audit("organisation", org_id, "register", self.org_user[org_id],
                       "institution" if institution else "enterprise",
                       submitted or self.now, None, "draft")
            if state == "approved":
                (self.institutions if institution else self.enterprises[district]).append(org_id)
        for org_id in self.institutions:
            for occupation_id, _u, _s in self.occupations:
                self.w.add(institution_occupation, dict(org_id=org_id,
                                                        occupation_id=occupation_id))

    def mentors(self) -> None:
        t = Mentor.__table__
        self.teachers: dict[int, list[int]] = {}
        self.masters: dict[int, int] = {}
        for org_id in self.institutions:
            self.teachers[org_id] = [self._mentor(t, org_id, "teacher") for _ in range(8)]

    def _mentor(self, t, org_id: int, kind: str) -> int:
        mentor_id = self.w.id(t)
        self.w.add(t, dict(id=mentor_id, org_id=org_id, kind=kind, name=self.people.name(),
                           mobile=self.people.mobile(), skill_level="technician",
                           can_guide_practice=True, years_practice=self.rng.randint(3, 25),
                           has_teaching_experience=True, years_teaching=self.rng.randint(2, 20),
                           attests_ethics=True, active=True))
        return mentor_id

    # ---------------------------------------------------------------------- programmes

    def programmes(self) -> None:
        t, agreements = Programme.__table__, TrainingAgreement.__table__
        self.approved: list[dict] = []
        count = max(20, self.n // 20)
        queue = max(3, count * 60 // 1500)  # 朝阳's review queue holds at least this many
        for i in range(count):
            state = "submitted" if i < queue else _weighted(self.rng, PROGRAMME_STATES)
            pool = self.enterprises[CHAOYANG] if i < queue else self.enterprises[
                self._district()] or self.enterprises[CHAOYANG]
            enterprise = self.rng.choice(pool)
            occupation_id, urgent, scope = self.rng.choice(self.occupations)
            level = self.rng.choice(rules.TRAINABLE_LEVELS[:3])
            hours = rules.required_credits(level) * rules.HOURS_PER_CREDIT
            past = state in ("approved", "rejected")
            start = self.today + timedelta(days=-self.rng.randint(30, 600) if past
                                           else self.rng.randint(5, 120))
            submitted = None if state == "draft" else self.ago(60 if not past else 700, 2)
            row = self.w.add(t, dict(
                id=self.w.id(t), enterprise_id=enterprise,
                institution_id=self.rng.choice(self.institutions),
                district_code=self.org_district[enterprise], occupation_id=occupation_id,
                level=level, planned_count=SEATS, enrolled_count=0, start_date=start,
                duration_months=rules.standard_duration_years(level) * 12, extension_reason="",
                general_hours=hours // 10, theory_hours=hours * 3 // 10,
                practice_hours=hours * 6 // 10, centralised_hours=hours * 4 // 10,
                on_job_hours=hours * 6 // 10, delivery_modes="face_to_face,on_the_job",
                textbooks="《职业技能培训教程》", institution_confirmed_at=submitted,
                state=state, submitted_at=submitted,
                decided_at=submitted + timedelta(days=5) if past else None))
            row["urgent"], row["scope"] = urgent, scope
            self.audit("programme", row["id"], "create", self.org_user[enterprise],
                       "enterprise", submitted or self.now, None, "draft")
            if submitted:
                self.audit("programme", row["id"], "submit", self.org_user[enterprise],
                           "enterprise", submitted, "draft", "submitted")
            if past:
                self.audit("programme", row["id"], "approve", self.reviewer[row["district_code"]],
                           "district", submitted + timedelta(days=2), "submitted",
                           "district_approved")
                self.audit("programme", row["id"], "approve" if state == "approved"
                           else "reject", self.center, "center", row["decided_at"], "district_approved",
                           state, "" if state == "approved" else "培训计划与职业标准不符")
            if state == "approved":
                row["agreement"] = self.w.id(agreements)
                self.w.add(agreements, dict(id=row["agreement"], programme_id=row["id"],
                                            collective=True, signed_on=start, note="集体培训协议"))
                self.approved.append(row)

    # ---------------------------------------------------------------------- apprentices

    def apprentices(self) -> None:
        people, enrolments = Apprentice.__table__, Enrolment.__table__
        self.active_by_programme: dict[int, list[tuple[int, int]]] = {}
        self.established: list[tuple[int, int, dict, str]] = []  # money.py's accounts
        self.holding: Counter = Counter()
        self.open_changes: set[int] = set()
        slots = [p for p in self.approved for _ in range(SEATS - 5)]
        self.rng.shuffle(slots)
        for i in range(self.n):
            programme = slots[i % len(slots)]
            state = _weighted(self.rng, ENROLMENT_STATES)
            if state in HOLDING and self.holding[programme["id"]] >= SEATS:
                state = "completed"
            apprentice_id = self.w.id(people)
            self.w.add(people, dict(
                id=apprentice_id, name=self.people.name(),
                resident_id=self.people.resident_id(programme["district_code"], self.today),
                mobile=self.people.mobile(), user_id=None))
            enrolment_id = self.w.id(enrolments)
            established = state in ESTABLISHED
            enterprise = programme["enterprise_id"]
            if established and enterprise not in self.masters:
                self.masters[enterprise] = self._mentor(Mentor.__table__, enterprise, "enterprise")
            if state == "draft":
                submitted = None
            elif established:  # registered soon after the programme was approved
                submitted = programme["decided_at"] + timedelta(days=3)
            else:
                submitted = self.ago(40, 1)
            self.w.add(enrolments, dict(
                id=enrolment_id, programme_id=programme["id"], apprentice_id=apprentice_id,
                enterprise_id=enterprise, district_code=programme["district_code"],
                contract_start=programme["start_date"] - timedelta(days=30),
                contract_end=None if self.rng.random() < 0.5
                else programme["start_date"] + timedelta(days=1100),
                insured_in_beijing=True, hire_type=self.rng.choice(list(rules.HIRE_TYPES)),
                dispatched=False, monthly_wage=self.rng.randrange(3000, 12000, 100),
                enterprise_mentor_id=self.masters.get(enterprise) if established else None,
                teacher_id=self.rng.choice(self.teachers[programme["institution_id"]])
                if established else None,
                agreement_id=programme["agreement"] if established else None,
                state=state, submitted_at=submitted,
                decided_at=submitted + timedelta(days=2) if submitted and state not in
                ("submitted", "draft") else None,
                established_on=programme["start_date"] if established else None,
                urgent=programme["urgent"] if established else None,
                in_assessment_scope=programme["scope"] if established else None,
                ended_on=self.today - timedelta(days=self.rng.randint(1, 20))
                if state in ("withdrawn", "transferred", "completed") else None))
            if established:
                self.established.append((enrolment_id, apprentice_id, programme, state))
            if state in HOLDING:
                self.holding[programme["id"]] += 1
            if state == "active":
                self.active_by_programme.setdefault(programme["id"], []).append(
                    (enrolment_id, apprentice_id))
            self._enrolment_history(enrolment_id, programme, state, submitted)

    def _enrolment_history(self, enrolment_id, programme, state, submitted) -> None:
        actor = self.org_user[programme["enterprise_id"]]
        reviewer = self.reviewer[programme["district_code"]]
        at = submitted or self.now
        self.audit("enrolment", enrolment_id, "create", actor, "enterprise", at, None, "draft")
        if submitted is None:
            return
        self.audit("enrolment", enrolment_id, "submit", actor, "enterprise", at, "draft",
                   "submitted")
        if state == "returned":
            self.audit("enrolment", enrolment_id, "return", reviewer, "district",
                       at + timedelta(days=1), "submitted", "returned", "劳动合同期限未满一年")
        elif state == "rejected":
            self.audit("enrolment", enrolment_id, "reject", reviewer, "district",
                       at + timedelta(days=1), "submitted", "rejected", "非本企业职工")
        elif state in ESTABLISHED:
            self.audit("enrolment", enrolment_id, "approve", reviewer, "district",
                       at + timedelta(days=1), "submitted", "active")
            self.audit("enrolment", enrolment_id, "record_agreement", actor, "enterprise",
                       at + timedelta(days=2))
            self.audit("enrolment", enrolment_id, "assign_mentor", actor, "enterprise",
                       at + timedelta(days=2))
            teacher = self.org_user[programme["institution_id"]]
            self.audit("enrolment", enrolment_id, "assign_teacher", teacher, "institution",
                       at + timedelta(days=3))
            if state != "active":
                action = {"suspended": "suspend", "withdrawn": "withdraw",
                          "transferred": "transfer", "completed": "complete"}[state]
                self.audit("enrolment", enrolment_id, action, reviewer, "district",
                           at + timedelta(days=30), "active", state)


def _holding_counts(city) -> None:
    """programme.enrolled_count: the seats the holding enrolments take."""
    table = Programme.__table__
    stmt = table.update().where(table.c.id == sa.bindparam("p")).values(
        enrolled_count=sa.bindparam("n"))
    pairs = [{"p": p, "n": n} for p, n in city.holding.items()]
    if pairs:
        db.session.execute(stmt, pairs)


def _after_bulk_ids(tables) -> None:
    """PostgreSQL: move each sequence past the ids given here; then fresh statistics."""
    db.session.commit()
    if db.engine.dialect.name != "postgresql":
        db.session.execute(sa.text("ANALYZE"))
        return
    for table in tables:
        quoted = f'"{table}"'
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{quoted}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {quoted}))"))
    db.session.commit()
    # VACUUM sets the visibility map, so counts can be index-only scans as in a live system.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def seed_scale(apprentices: int, seed: int) -> dict:
    """Build the city; returns counts per table and a few ids worth knowing."""
    from portal.city import money, training

    city = City(apprentices, seed)
    city.trainees = {}
    city.users()
    city.organisations()
    city.mentors()
    city.programmes()
    city.apprentices()
    training.sessions(city)
    training.trainee_accounts(city)
    training.records(city)
    money.subsidies(city)
    city.w.flush()
    training.link_trainees(city, db, sa)
    _holding_counts(city)
    from portal.core import audit_chain

    audit_chain.seal_unsealed(db.session.connection(), audit_chain._key())
    db.session.commit()
    _after_bulk_ids([t.name for t in (User.__table__, Organisation.__table__, Mentor.__table__,
                                      TrainingAgreement.__table__, Programme.__table__,
                                      Apprentice.__table__, Enrolment.__table__,
                                      ClassSession.__table__, CheckIn.__table__,
                                      *money.TABLES)])
    busiest = max((p for p in city.approved if p["district_code"] == CHAOYANG),
                  key=lambda p: city.holding[p["id"]], default=None)
    return {"counts": dict(city.w.counts), "password": PASSWORD,
            "chaoyang_programme": busiest and busiest["id"],
            "today_sessions": city.today_sessions[:3]}

