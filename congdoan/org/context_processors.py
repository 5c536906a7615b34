"""Template context: the menu the user's roles allow."""

from congdoan.common.navigation import items_for

from .scoping import roles_held


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": items_for(user, roles_held(user))}
