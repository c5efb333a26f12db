"""Forms of the participation pages, one module per subject; they parse input into specs."""
