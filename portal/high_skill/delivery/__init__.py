"""Sessions and check-in, HS-P5 work summaries, HS-W7 assessment, HS-W8 completion filing (annex 2, annex 3)."""
