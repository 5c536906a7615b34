"""The default adapter of SMS and Zalo: writes the message to the log and keeps the last ones
in memory (``outbox``), like Django's console and locmem e-mail backends."""

from __future__ import annotations

import logging
from collections import deque

from .base import Message

logger = logging.getLogger("congdoan.notifications")

outbox: deque[Message] = deque(maxlen=200)


class ConsoleAdapter:
    def send(self, message: Message) -> str:
        outbox.append(message)
        logger.info(
            "%s to user %s (%s): %s",
            message.channel,
            message.user_id,
            message.phone or message.email or "-",
            message.text().replace("\n", " | "),
        )
        return "console"
