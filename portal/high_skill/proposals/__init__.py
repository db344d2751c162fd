"""HS-W2 implementation plans (实施方案, annex 1) from draft to submission: HS-H2 (at most 2 a
host a year, a guarded counter), HS-H3 (no subcontracting, attested), HS-P1 (occupations),
HS-P2 (class size), HS-P3 (content and teachers), HS-P4 (hours by format, flagged below the
guidance), HS-W6 (within the year). Review and approval belong to `high_skill.review`."""
