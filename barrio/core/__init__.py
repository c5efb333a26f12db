"""Barrio's analytics core: plain data in, plain data out, no Django.

Everything under ``barrio.core`` is pure Python over frozen dataclasses, numpy arrays and
``fractions.Fraction``; it imports nothing of Django or of the apps (an import-linter contract
keeps it so), has no I/O besides the explicit file adapters, and reads no clock.
"""
