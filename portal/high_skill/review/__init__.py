"""HS-W3 expert review, rubric and approval with quotas (HS-P2 annual cap).

The centre keeps the rubric (criteria and weights summing to 100), assigns experts to
submitted proposals (never one of the host's own people), reads their scores side by side
and approves a proposal with its quota, the city-wide total of a year never passing the
HS-P2 cap (a guarded UPDATE of HsYearTally), or rejects it with a reason (C-REV). Experts
see only their assignments and score them on a phone.
"""
