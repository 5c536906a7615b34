"""Member registry: records, lifecycle, import and export, completeness.

The app keeps the common shape (docs/development.md): ``models``, ``choices``, ``services``,
``queries``, ``forms``, ``views``, ``api``, ``tables``, ``filters``, ``urls``, ``nav``, ``demo``,
``indicators``. Where it departs from it, and why:

- ``services`` and ``importing`` are packages, one module a topic, each under ~800 lines: the
  lifecycle rules and the import pipeline are too large for one file (Zulip's ``actions/``).
- ``search`` holds the search box's filter apart from ``queries``, because ``models``
  (``MemberQuerySet.search``) needs it and ``queries`` needs the models.
- ``access_log`` (who saw a full identity number), ``bulk`` (fast inserts with history for the
  import and the demo), ``exports`` (lists, rosters) and ``hooks`` (other apps' merge handlers)
  are topics of their own that views, the import and other apps share.
- No ``admin.py``: member records change only through ``services`` (scope, history, optimistic
  locking), which the Django admin would bypass.
"""
