"""Mails written as files when no mail server is configured (settings: MAIL_DIR, `correos/` by default): one file
per mail, so that each can be opened, counted and forwarded on its own.

Django's file backend writes every message a connection sends into one file named by the time and the
connection, and appends to it when a later connection gets the same name; django-post-office reuses its
connections, so one file could hold a dozen mails. Here each message gets its own file, written under a
temporary name and then renamed, so a reader never sees half a mail; a message that cannot be written raises
(the outbox then records it as failed and tries it again) unless the connection was opened fail_silently.
"""

from __future__ import annotations

import datetime
import os
import uuid

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend


class EmailBackend(FileEmailBackend):
    def open(self) -> bool:
        return False  # nothing to hold open: each message opens its own file

    def close(self) -> None:
        return None

    def send_messages(self, email_messages) -> int:
        """Write each message to a file of its own; return how many were written."""
        written = 0
        with self._lock:
            for message in email_messages:
                try:
                    self._write(message)
                except Exception:
                    if not self.fail_silently:
                        raise
                else:
                    written += 1
        return written

    def _write(self, message) -> None:
        # Named by the time (sorted as sent) and a random part (two mails in the same microsecond stay apart).
        name = f"{datetime.datetime.now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.log"
        path = os.path.join(self.file_path, name)
        partial = os.path.join(self.file_path, f".partial-{name}")
        try:
            with open(partial, "xb") as stream:
                stream.write(message.message().as_bytes() + b"\n")
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
