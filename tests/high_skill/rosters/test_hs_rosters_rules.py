"""The pure pieces of the trainee list: HS-W4's due date, the snapshot diff (HS-W5)."""

from datetime import date

from portal import rules
from portal.high_skill.rosters.snapshots import diff
from portal.rules.high_skill import hs_list_filing_due


def test_HS_W4_due_date_is_a_week_before_the_start_and_matches_the_refusal():
    start = date(2026, 3, 10)
    due = hs_list_filing_due(start)
    assert due == date(2026, 3, 3)
    assert rules.hs_list_filing_problems(due, start) == []
    assert rules.hs_list_filing_problems(date(2026, 3, 4), start) == ["HS-W4"]


def _person(rid: str, name: str) -> dict:
    return {"id": 1, "name": name, "resident_id": rid, "employer_name": "甲", "post": "车工",
            "level": "advanced", "certificate_number": "1", "key_industry": True,
            "insured_months": 12}


def test_HS_W5_diff_names_added_removed_and_changed_plan_fields():
    before = {"plan": {"venue": "甲地", "hours_online": 0, "teachers": []},
              "trainees": [_person("110105199901010011", "甲"), _person("110105199901010022", "乙")]}
    after = {"plan": {"venue": "乙地", "hours_online": 0, "teachers": []},
             "trainees": [_person("110105199901010022", "乙"), _person("110105199901010033", "丙")]}
    d = diff(before, after)
    assert [(c.label, c.old, c.new) for c in d.plan] == [("研修地点", "甲地", "乙地")]
    assert [t["name"] for t in d.added] == ["丙"] and [t["name"] for t in d.removed] == ["甲"]
    assert d.added[0]["resident_id"] == rules.mask_resident_id("110105199901010033")
    assert d.added[0]["flagged"] is True
    first = diff(None, after)
    assert first.plan == [] and len(first.added) == 2
