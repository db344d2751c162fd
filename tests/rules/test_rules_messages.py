import pickle
import re
from pathlib import Path

import pytest

from portal.rules import RULE_MESSAGES, RuleViolation, rule_message

RULES_MD = Path(__file__).resolve().parents[3] / "shared/spec/RULES.md"


def _catalogue_ids() -> list[str]:
    text = RULES_MD.read_text(encoding="utf-8")
    return re.findall(r"^\|\s*((?:C|AP|HS)-[A-Z$]+[0-9]*)\s*\|", text, re.M)


@pytest.mark.skipif(not RULES_MD.exists(), reason="RULES.md is not beside the project")
def test_every_rule_id_in_RULES_md_has_a_message_in_catalogue_order():
    ids = _catalogue_ids()
    assert len(ids) == len(set(ids)) > 70 and "AP-$3" in ids and "HS-W10" in ids
    assert list(RULE_MESSAGES) == ids


def test_messages_are_plain_chinese():
    for rule_id, message in RULE_MESSAGES.items():
        assert re.search(r"[\u4e00-\u9fff]", message), rule_id
        assert "{" not in message, rule_id


def test_AP_E1_rule_message_names_the_rule():
    assert rule_message("AP-E1") == "劳动合同期限须不少于1年（无固定期限合同除外），且登记之日合同仍在有效期内（规则 AP-E1）"


@pytest.mark.parametrize(
    ("rule_id", "figures"),
    [
        ("AP-C3", ["1年", "2年", "3年"]),
        ("AP-C4", ["10课时", "40学分", "80学分"]),
        ("AP-C1", ["1:3:6", "5个百分点"]),
        ("AP-$1", ["5000", "6000", "7000", "8000", "9000", "10000"]),
        ("AP-$3", ["85%"]),
        ("AP-$4", ["50%"]),
        ("AP-E7", ["16周岁"]),
        ("AP-E6", ["2540"]),
        ("AP-P4", ["80%", "20%"]),
        ("HS-P2", ["20", "30", "800"]),
        ("HS-P4", ["80学时", "16学时"]),
        ("HS-$1", ["5000元"]),
        ("C-PII", ["前6位", "后4位", "前3位"]),
    ],
)
def test_AP_C3_AP_subsidy_1_HS_P2_messages_carry_the_figures(rule_id, figures):
    for figure in figures:
        assert figure in RULE_MESSAGES[rule_id]


def test_AP_E6_HS_P2_message_uses_the_parameters_in_force():
    assert "2600" in rule_message("AP-E6", params={"min_monthly_wage": 2600})
    assert "每班15至30人" in rule_message("HS-P2", params={"hs_class_min": 15})
    assert "每班20至30人" in rule_message("HS-P2")


def test_AP_E1_AP_E4_rule_violation_carries_ids_and_chinese_text():
    error = RuleViolation(["AP-E1", "AP-E4"])
    assert error.rule_ids == ["AP-E1", "AP-E4"]
    assert str(error) == f"{rule_message('AP-E1')}；{rule_message('AP-E4')}"
    assert RuleViolation("HS-E2").rule_ids == ["HS-E2"]
    assert pickle.loads(pickle.dumps(error)).rule_ids == ["AP-E1", "AP-E4"]


def test_unknown_rule_id_raises():
    with pytest.raises(KeyError):
        rule_message("AP-X9")


def test_AP_subsidy_4_message_uses_the_prepayment_share_in_force():
    assert "标准的30%" in rule_message("AP-$4", params={"prepayment_pct": 30})


def test_C_EFF_message_names_effective_dates_and_reason():
    assert "生效日期" in RULE_MESSAGES["C-EFF"] and "理由" in RULE_MESSAGES["C-EFF"]


def test_C_REV_rule_violation_message_is_its_str_like_service_error():
    error = RuleViolation(["AP-E7", "AP-E2"], params={"min_monthly_wage": 2600})
    assert error.message == str(error) == f"{rule_message('AP-E7')}；{rule_message('AP-E2')}"
    assert RuleViolation("AP-E6", params={"min_monthly_wage": 2600}).message == rule_message(
        "AP-E6", params={"min_monthly_wage": 2600}
    )
