"""Host side: runs once, on a modern Python (nox plumbing, and later merging and reports)."""
