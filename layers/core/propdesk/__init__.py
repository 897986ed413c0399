"""PropDesk domain core: models, rules, the desk calendar, data access and AWS ports."""
