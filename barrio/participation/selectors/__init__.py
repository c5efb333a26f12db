"""Read queries of participation, one module per subject; each takes the acting user."""
