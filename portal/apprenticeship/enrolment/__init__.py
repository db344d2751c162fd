"""Apprentice registration, Excel import, agreements, district review and the student record (AP-E1…E7, AP-W2, AP-A1, C-ID1, C-ID3, C-PII)."""
