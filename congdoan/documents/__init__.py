"""Paperless office: official documents, workflow, routing, PAdES signatures, verification.

Where the app departs from DESIGN.md's shape: no ``tables.py`` or ``filters.py``. The lists
are registers laid out as Decree 30/2020 prescribes, searched as one types (htmx rows), and
their filters are plain arguments of ``queries.filter_documents`` / ``filter_incoming`` so
that the pages and the API filter with the same function; ``forms`` parse the page's query.
``services`` is a package (one module per topic) behind one import.
"""
