"""E-mail through Django's mail (``EMAIL_BACKEND``: the console in development, SMTP in
production)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from .base import Message, NotDeliverable, TemporaryFailure


class EmailAdapter:
    def send(self, message: Message) -> str:
        if not message.email:
            raise NotDeliverable(_("The user has no e-mail address."))
        subject = " ".join(message.title.split())  # a header: no line breaks
        footer = _("You can choose which notifications you receive in your notification settings.")
        email = EmailMessage(
            subject=subject,
            body=f"{message.text()}\n\n-- \nCông Đoàn Số · {footer}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.email],
        )
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
        return ""
