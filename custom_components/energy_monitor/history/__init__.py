"""History import into long-term statistics (the ``import_history`` action).

Integration-wide: it belongs to no source. The reading and hourly maths are in
``lib/history``; here are the recorder (``statistics``) and the action
(``services``).
"""
