"""A test-only app: the smallest model the workflow mechanism can run on."""
