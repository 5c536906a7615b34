"""Pages of the digital skills movement, one module per group of pages (``urls.py`` names
them). Thin: read through ``queries`` and scoped querysets, write through ``services``;
out-of-scope objects are 404.

A package where DESIGN.md has one ``views.py``: at ~1,300 lines the module was split by page
group. ``pages`` holds what the groups share.
"""
