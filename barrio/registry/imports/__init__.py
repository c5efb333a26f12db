"""Reading import files (spreadsheets, CSV, KoboToolbox exports) and their template."""
