"""Newsroom records (claims, follow-ups, takedowns, clearances), story budget and drafts."""
