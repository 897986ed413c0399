"""The desk's books beside its tickets, each in its own module on the books table."""
