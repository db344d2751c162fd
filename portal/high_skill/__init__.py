"""High-skill talent advanced training (高技能人才研修培训, HS-*): calls (HS-W1), hosts (HS-H1),
proposals (HS-W2, HS-H2, HS-H3, HS-P1…P4, HS-W6), expert review and quotas (HS-W3, HS-P2),
trainee lists and filed versions (HS-E1…E3, HS-W4, HS-W5), delivery and completion (HS-P5,
HS-W7, HS-W8) and funding, checks and disqualification (HS-W9, HS-W10, HS-$1, HS-$2).

A host is any confirmed organisation (an enterprise or institution reuses its record) or a
`host` organisation registered for this programme; its pages are bound into the
enterprise, institution and host blueprints alike.
"""

# The blueprints that serve a host's pages.
HOST_BLUEPRINTS = ("enterprise", "institution", "host")
