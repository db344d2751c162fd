"""Subsidy money (AP-W3, AP-$1..$6): accounts, claims, payments, funds, recoveries, ledger.

Every amount is computed by `portal.rules`; this package stores and moves it (C-MONEY).
"""
