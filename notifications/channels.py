"""Delivery channels behind one small interface: Slack (slack_sdk), email (SMTP), outbox folder.

`send` returns the provider's reference or raises `TemporaryFailure` (try again later, maybe
after `retry_after` seconds) or `PermanentFailure` (never try again on its own).
`was_delivered` answers, after a crash between sending and recording, whether the provider
has the message: True, False, or None when the channel cannot tell.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from models.notification import Notification
from notifications.render import plain_text, slack_blocks

METADATA_EVENT = "dfr_notification"


class TemporaryFailure(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class UncertainDelivery(TemporaryFailure):
    """The request went out but no answer came back (a read timeout): the provider may have
    the message. Ask it (`was_delivered`) before sending again."""


class PermanentFailure(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Channel(Protocol):
    name: str

    def send(self, notification: Notification) -> str: ...

    def was_delivered(self, notification: Notification, since: datetime) -> bool | None: ...


# Slack errors that will not go away by trying again (Slack Web API error codes).
_SLACK_PERMANENT = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "channel_not_found",
    "user_not_found",
    "is_archived",
    "not_in_channel",
    "msg_too_long",
    "no_text",
    "invalid_blocks",
    "missing_scope",
    "restricted_action",
    "cannot_dm_bot",
}


class SlackChannel:
    """Direct messages (address: a Slack user id) and DG feeds (address: a channel id)."""

    def __init__(self, name: str, token: str, base_url: str | None = None, timeout: float = 10.0):
        self.name = name
        # Retries are ours (with the row's attempt count), not the client's.
        self.client = WebClient(
            token=token,
            base_url=base_url or WebClient.BASE_URL,
            timeout=timeout,  # type: ignore[arg-type]  # urllib takes a float; the stub says int
            retry_handlers=[],
        )

    def send(self, notification: Notification) -> str:
        try:
            response = self.client.chat_postMessage(
                channel=notification.address,
                text=notification.subject,
                blocks=slack_blocks(notification.subject, notification.body_markdown),
                metadata={
                    "event_type": METADATA_EVENT,
                    "event_payload": {"notification_id": notification.id},
                },
                unfurl_links=False,
            )
        except SlackApiError as err:
            raise _slack_failure(err) from None
        except TimeoutError as err:  # sent, then no answer in time: Slack may have posted it
            raise UncertainDelivery(f"no answer from Slack in time ({err})") from None
        except OSError as err:  # network: refused, reset, or no connection made in time
            raise TemporaryFailure(f"network error talking to Slack: {err}") from None
        return f"{response.get('channel')}:{response.get('ts')}"

    def was_delivered(self, notification: Notification, since: datetime) -> bool | None:
        try:
            channel = notification.address
            if channel.startswith(("U", "W")):  # a DM: find the conversation with that user
                opened = self.client.conversations_open(users=notification.address)
                channel = opened["channel"]["id"]
            history = self.client.conversations_history(
                channel=channel, oldest=str(since.timestamp()), include_all_metadata=True, limit=200
            )
        except (SlackApiError, OSError, TimeoutError):
            return None
        for message in history.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("notification_id") == notification.id:
                return True
        return False


def _slack_failure(err: SlackApiError) -> Exception:
    status = err.response.status_code
    code = err.response.get("error") or f"HTTP {status}"
    if status == 429 or code == "ratelimited":
        retry_after = err.response.headers.get("Retry-After") or err.response.headers.get(
            "retry-after"
        )
        return TemporaryFailure(f"Slack rate limit ({code})", float(retry_after or 1))
    if status >= 500 or code in {"internal_error", "fatal_error", "service_unavailable"}:
        return TemporaryFailure(f"Slack server error ({code})")
    if code in _SLACK_PERMANENT:
        return PermanentFailure(f"Slack refused the message: {code}")
    return PermanentFailure(f"Slack error: {code}")


class EmailChannel:
    """Multipart email (plain text + HTML) over SMTP; Message-ID carries the notification id."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = (
            username,
            password,
            starttls,
            timeout,
        )

    def message(self, notification: Notification) -> EmailMessage:
        email = EmailMessage()
        email["Subject"] = notification.subject
        email["From"] = self.sender
        email["To"] = notification.address
        email["Message-ID"] = make_msgid(idstring=notification.id, domain="dfr.invalid")
        email["X-DFR-Notification"] = notification.id
        email.set_content(plain_text(notification.body_markdown))
        email.add_alternative(
            f'<!doctype html><html lang="{notification.language.split("+")[0]}"><body>'
            f"{notification.body_html}</body></html>",
            subtype="html",
        )
        # After set_content, which manages (and would drop) Content-* headers.
        email["Content-Language"] = notification.language.replace("+", ", ")
        return email

    def send(self, notification: Notification) -> str:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username and self.password:
                    smtp.login(self.username, self.password)
                refused = smtp.send_message(self.message(notification))
        except smtplib.SMTPRecipientsRefused as err:
            raise PermanentFailure(
                f"the mail server refused the recipient: {err.recipients}"
            ) from None
        except smtplib.SMTPResponseException as err:
            reason = f"the mail server answered {err.smtp_code}: {err.smtp_error!r}"
            if 400 <= err.smtp_code < 500:
                raise TemporaryFailure(reason) from None
            raise PermanentFailure(reason) from None
        except (TimeoutError, smtplib.SMTPException, OSError) as err:
            raise TemporaryFailure(f"could not reach the mail server: {err}") from None
        if refused:
            raise PermanentFailure(f"the mail server refused: {refused}")
        return notification.id

    def was_delivered(self, notification: Notification, since: datetime) -> bool | None:
        return None  # SMTP cannot be asked whether a message was accepted earlier


class OutboxChannel:
    """The embedded default: each message is written to a file (and echoed to the console)."""

    name = "outbox"

    def __init__(self, folder: Path, echo: bool = False) -> None:
        self.folder, self.echo = folder, echo

    def path_for(self, notification: Notification) -> Path:
        return self.folder / f"{notification.id}.md"

    def send(self, notification: Notification) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        text = (
            f"To: {notification.address}\nSubject: {notification.subject}\n"
            f"Language: {notification.language}\n\n{notification.body_markdown}"
        )
        path = self.path_for(notification)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)  # atomic: a file is there whole, or not at all
        if self.echo:
            print(f"[outbox] {notification.address}: {notification.subject}")
        return str(path)

    def was_delivered(self, notification: Notification, since: datetime) -> bool | None:
        return self.path_for(notification).exists()
