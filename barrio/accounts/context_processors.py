"""Template context every page needs: the programmes of the switcher and the current one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from barrio.accounts.selectors import programme_list_for_user

SESSION_KEY = "barrio_programme"


def programmes(request: HttpRequest) -> dict[str, Any]:
    """Return the programmes the user may switch to, and the one chosen in the session."""
    visible = list(programme_list_for_user(request.user))
    chosen_slug = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    current = next((p for p in visible if p.slug == chosen_slug), visible[0] if visible else None)
    return {"programmes": visible, "current_programme": current}
