"""The notification centre: one place for every app to tell a user something.

It knows only ``accounts``. Apps declare their kinds of notification in their own
``notifications.py`` (``kinds.register(...)``, discovered at start-up) and call
``services.notify(user, kind, title, body, url=..., data=...)``. The notification is kept
in-app (the bell, the list, the API) and delivered on the channels the user's preferences
choose (e-mail, web push, SMS, Zalo OA) from a background job, each attempt recorded.
"""
