"""Organisations: enterprise and institution registration, edits and the review chain (AP-N1…N4, AP-I1…I3, AP-W4, C-REV, C-DIST)."""
