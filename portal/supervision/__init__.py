"""Supervision (AP-V1..V4, HS-W10, HS-$2): inspections and their samples, summons,
suspension with rectification, fraud and recovery, third-party audits, performance
evaluations."""
