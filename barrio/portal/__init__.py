"""The public transparency portal and dashboards: never personal data."""
