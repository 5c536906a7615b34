"""Errors raised by services and translated by views and the API.

``OutOfScope`` is a 404: an object outside the actor's subtree does not exist for them.
``NotAllowed`` is a 403: the object is visible but the actor's role does not allow the action.
Input problems are Django ``ValidationError``s with messages in the user's language.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404


class OutOfScope(Http404):
    pass


class NotAllowed(PermissionDenied):
    pass
