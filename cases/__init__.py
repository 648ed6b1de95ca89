"""The case catalogue: one module per pattern, read as data by mpconform.catalogue."""
