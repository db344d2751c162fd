"""Dashboards (issue 14 item 7): the centre's city-wide figures and each district's own
(C-DIST): apprentices by state, district, occupation, level and year, progress toward the
AP-T1 target, AP-P4 attendance and attrition against their thresholds, money prepaid, paid,
recovered and held, and HS trainees against the HS-P2 annual cap.

Every figure links to the list behind it, and that list counts with the same filter
(`filters.py`), so the figure and the list's total cannot disagree. The figure set of a
scope is cached in `ReportCache` for a few minutes (`cache.py`).
"""
