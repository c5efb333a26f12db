"""Pages of participation, one module per subject."""
