"""Certificates: issuance, numbering, printing, PDF, public verification, revocation (AP-S1)."""
