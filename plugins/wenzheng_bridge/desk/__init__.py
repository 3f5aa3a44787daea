"""The desk: the newsroom's local web application (budget, cases, claims, follow-ups, drafts).

It reads the same store and newsroom records as the ``wenzheng`` commands and writes records
through the same actions (newsroom/actions.py); the public site never reads anything from it.
"""
