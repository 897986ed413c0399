"""Every flow of DOMAIN.md end to end on the local stack, asserting what each person sees and receives."""
