"""Messages sent to people by SMS: the pluggable sender every app uses.

The sender is named by the setting ``BARRIO_MESSAGE_SENDER`` (a dotted path to a class with
``send(*, to, text, reference)``); the embedded default, :class:`ConsoleSender`, writes one
log line per message with the caller's reference, the last two digits of the phone and the
number of segments — never the text or the whole number. It lives here, outside the apps, so
that sibling apps (the registry's campaigns, participation's one-time codes) share it.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from barrio.core.messages import sms_length

__all__ = ["ConsoleSender", "SendFailed", "Sender", "message_sender"]

logger = logging.getLogger(__name__)


class SendFailed(Exception):
    """The sender could not deliver a message; ``reason`` says why, without personal data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sender(Protocol):
    """What a message sender offers."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        """Send ``text`` to the phone ``to``; raise :class:`SendFailed` when it cannot."""


class ConsoleSender:
    """The embedded default: logs that a message went, with no personal data beyond the
    caller's reference (a household's, a census entry's) and the phone's last two digits."""

    def send(self, *, to: str, text: str, reference: str) -> None:
        """Log one line for the message (never its text)."""
        length = sms_length(text)
        logger.info(
            "SMS for %s (phone …%s): %s segment(s), %s.",
            reference,
            to[-2:],
            length.segments,
            length.encoding,
        )


def message_sender() -> Sender:
    """The configured sender (``BARRIO_MESSAGE_SENDER``), a new instance."""
    sender: Sender = import_string(settings.BARRIO_MESSAGE_SENDER)()
    return sender
