"""Email delivery off the request path: real SMTP when configured, else a development outbox.

Requests only put a message on an in-process queue; a worker task sends it. That keeps the answer to
"send me a code" equally fast whatever happens next (no timing side channel, ASVS 6.3.8).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

import aiosmtplib

from whitecell.core.config import Settings
from whitecell.core.ids import new_id

logger = logging.getLogger("whitecell.mail")

RETRY_DELAYS = (1.0, 5.0, 30.0)


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def send(self, message: EmailMessage) -> None:
        s = self._settings
        await aiosmtplib.send(
            message,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username or None,
            password=s.smtp_password.get_secret_value() or None,
            use_tls=s.smtp_ssl,
            start_tls=None if s.smtp_ssl else (s.smtp_starttls or None),
            timeout=s.smtp_timeout_seconds,
        )


class OutboxTransport:
    """Writes each message as an `.eml` file: `make run` works offline; codes can be read there."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    async def send(self, message: EmailMessage) -> None:
        self._directory.mkdir(parents=True, exist_ok=True)
        path = self._directory / f"{new_id()}.eml"
        await asyncio.to_thread(path.write_bytes, message.as_bytes())
        logger.info("mail written to outbox", extra={"path": str(path), "to": message["To"]})


def build_message(sender: str, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="whitecell.local")
    message.set_content(text)
    return message


class Mailer:
    """A queue and one worker task; `stop()` delivers what is queued before returning."""

    def __init__(self, settings: Settings, transport: Transport | None = None) -> None:
        self.sender = settings.mail_from
        self._transport = transport or (
            SmtpTransport(settings) if settings.smtp_host else OutboxTransport(settings.outbox_dir)
        )
        self._queue: asyncio.Queue[EmailMessage] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._worker = asyncio.create_task(self._run(), name="whitecell-mailer")

    def enqueue(self, to: str, subject: str, text: str) -> None:
        self._queue.put_nowait(build_message(self.sender, to, subject, text))

    async def stop(self, timeout: float = 10.0) -> None:
        if self._worker is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout)
        self._worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker
        self._worker = None

    async def _run(self) -> None:
        while True:
            message = await self._queue.get()
            try:
                await self._deliver(message)
            finally:
                self._queue.task_done()

    async def _deliver(self, message: EmailMessage) -> None:
        for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
            try:
                await self._transport.send(message)
                return
            except Exception:
                if delay is None:
                    logger.exception("mail to %s dropped after %d attempts", message["To"], attempt)
                    return
                logger.warning("mail to %s failed (attempt %d); retrying", message["To"], attempt)
                await asyncio.sleep(delay)
