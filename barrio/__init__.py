"""Barrio: participatory neighbourhood-improvement programmes, end to end."""
