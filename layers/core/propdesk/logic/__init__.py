"""Use cases: what the desk does with tickets and the directory. No HTTP here."""
