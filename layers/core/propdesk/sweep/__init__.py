"""The end-of-day sweep (日清): every unfinished order looked at once a day, page by page."""
