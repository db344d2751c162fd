"""Use cases: one function per state change. Services flush; the view commits once."""
