"""Accounts: login, password hashing and changes (C-AUD for logins)."""
