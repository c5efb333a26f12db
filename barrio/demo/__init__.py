"""The demonstration programmes, built from data that ships inside the repository."""
