"""HS-W9 certificates, HS-$1 funding claims, HS-W10 spot checks and audits, HS-$2
disqualification and recovery: the money and papers of a completed high-skill project.

The shared machinery does the work: `portal.certificates` numbers, prints and verifies the
certificates; `portal.money` holds the claim workflow (its HS path), the payment (always from
就业补助资金) and the recovery order. This package only reads the filed completion roster
(HS-W8) and calls those services.
"""
