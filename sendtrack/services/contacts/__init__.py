"""Advice and support contacts (issue 23): records (recording and editing), lists (a
setting's, a child's, the follow-up queues) and facts (the contacts.* figures)."""
