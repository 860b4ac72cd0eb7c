"""heal's test suite."""
