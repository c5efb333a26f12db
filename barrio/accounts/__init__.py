"""Users, organisations, programmes (the root of every scope), API tokens."""
