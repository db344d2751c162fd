"""HS-W2 implementation plans (annex 1): HS-H2, HS-H3, HS-P1, HS-P3, HS-P4, HS-W6."""
