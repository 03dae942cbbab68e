"""Database back-ends of the project (see each package's docstring)."""
