"""Machinery shared by every domain; imports no domain: access mechanism, workflow engine, audit, files, spreadsheets (C-DIST, C-AUD, C-REV)."""
