"""Training quality: attendance and attrition rates with alerts (AP-P4)."""
