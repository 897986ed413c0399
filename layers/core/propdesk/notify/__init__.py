"""Outbound notifications: notices rendered in the recipient's language, capped per property and day, sent by SMS."""
