"""Trainee lists and plan filing (HS-W4), filed versions of later changes (HS-W5), and the
trainee checks HS-E1…E3 (with C-ID1, C-ID3, C-PII) on every row, by form and by Excel import.

One project is one class here (HsTrainee has no class column): the list is checked against
the class size of HS-P2 and the project's quota (研修人数, HS-W3).
"""
