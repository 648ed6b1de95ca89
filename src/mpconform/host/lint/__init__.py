"""mpconform lint: the matrix, turned on the code that users write (host side)."""
