"""The rules of cash assistance, with no Django: who is eligible, how much, and the sums.

- :mod:`barrio.core.cash.eligibility`: filters, a weighted scorecard, quotas and a
  maximum over a columnar frame of households, with a reason for each.
- :mod:`barrio.core.cash.entitlement`: amount formulas in exact cents (a whitelisted
  expression language, never ``eval``), exchange to euros.
"""
