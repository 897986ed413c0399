"""The desk's books beside its tickets: records that are not tickets, each book in its own module."""
