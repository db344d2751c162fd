"""Joint assessment at the end of training (考核评价, AP-S1, AP-S2)."""
