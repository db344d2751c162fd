"""WTForms classes; validators call portal.rules."""
