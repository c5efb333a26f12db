"""The household registry: households, people, documents, consent, imports and duplicates."""
