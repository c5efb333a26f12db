"""Long work run by task workers, with its progress, result or error, shown on the pages."""
