"""C-MONEY, AP-$4: the pure rules behind every money form and the overdue flag."""

from datetime import date

import pytest

from portal import rules


@pytest.mark.parametrize("typed, amount", [("2500", 2500), ("2,500", 2500), ("１２", 12),
                                           (" 7 ", 7), ("2500元", 2500), ("0", 0)])
def test_C_MONEY_whole_yuan_accepted(typed, amount):
    assert rules.yuan_problem(typed) is None
    assert rules.parse_yuan(typed) == amount


@pytest.mark.parametrize("typed, word", [("-5", "负数"), ("12.5", "小数"), ("-1.5", "负数"),
                                         ("abc", "数字"), ("", "数字"), ("1e3", "数字"),
                                         ("+5", "数字"), ("3000000000", "不能超过")])
def test_C_MONEY_not_whole_yuan_refused_with_the_rule(typed, word):
    problem = rules.yuan_problem(typed)
    assert word in problem and "（规则 C-MONEY）" in problem
    assert rules.parse_yuan(typed) is None


def test_C_MONEY_services_refuse_floats_bools_and_non_positive():
    assert "小数" in rules.amount_problem(12.5)
    assert rules.amount_problem(True) is not None
    assert "大于0" in rules.amount_problem(0, positive=True)
    assert rules.amount_problem(0) is None and rules.amount_problem(-1) is not None


def test_AP_4_recovery_overdue_only_after_due_day_with_money_outstanding():
    due = date(2026, 12, 1)
    assert rules.recovery_overdue(due, 100, date(2026, 12, 2))
    assert not rules.recovery_overdue(due, 100, due)
    assert not rules.recovery_overdue(due, 0, date(2027, 1, 1))
