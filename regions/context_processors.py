"""Template context: the person's role, for the navigation."""

from regions.selectors import Role, user_role


def role(request) -> dict:
    """Return the user's role and the navigation flags derived from it (lazily, one query at most)."""
    if not request.user.is_authenticated:
        return {"user_role": Role.NONE}
    current = user_role(request.user)
    return {
        "user_role": current,
        "nav_pending": current in (Role.ANALYST, Role.ADMIN),
        "nav_review": current in (Role.REVIEWER, Role.ADMIN),
    }
