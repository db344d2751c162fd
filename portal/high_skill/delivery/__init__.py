"""Delivery and completion of a high-skill project: class sessions with their HS-P4 format and
hours and the phone check-in (shared with the apprenticeship), the trainees' work summaries
(HS-P5), the host's assessment (HS-W7, annex 2) and the completion filing with its roster
(HS-W8, annex 3), flagged late after the 14 days."""
