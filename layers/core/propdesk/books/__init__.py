"""The desk's books beside its tickets: records that are not tickets, one module per book."""
