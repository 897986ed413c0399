"""The desk's books beside its tickets: one module per book, on the books table."""
