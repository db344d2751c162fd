"""HS-W3 expert review, rubric and approval with quotas (HS-P2 annual cap)."""
