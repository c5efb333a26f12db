"""Territorial units and their hierarchy: the places every scope and indicator refers to."""
