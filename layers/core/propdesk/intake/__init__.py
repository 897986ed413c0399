"""Intake channels (SMS, voice IVR, call centre): messages in, tickets out, replies in the resident's language."""
