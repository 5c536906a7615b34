"""Vietnamese formats Django leaves out: digits grouped by three (59.381). Django's own ``vi``
module gives the separators (``.`` and ``,``) but no ``NUMBER_GROUPING``, so ``intcomma`` and
``number_format(force_grouping=True)`` printed 59381. Everything else comes from Django's module."""

NUMBER_GROUPING = 3
