"""Indicators: definitions, targets, rollups, snapshots and dashboards.

Where the app departs from DESIGN.md's shape: no ``tables.py`` or ``filters.py``, because its
pages are cards, charts and ranked children built in ``queries``, not filtered lists of rows
(the drill-down lists are each indicator's own ``records`` with its ``columns``); no
``choices.py`` or ``admin.py``, because its kinds and parts belong to the registry contract
(``registry.Kind``, ``registry.Part``) and figures are computed, never edited by hand.
"""
