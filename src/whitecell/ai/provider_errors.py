"""How a failing AI provider is reported: three problem details (docs/ai.md, "Providers").

- 503 `ProviderUnavailable`: the provider cannot be reached (connection refused, DNS, reset before
  an answer) or it is rate limiting us (429) after the client's retries; `Retry-After` is passed on
  when the provider gave one. Trying again later may work.
- 502 `ProviderFailed`: the provider answered, but with an error status (4xx other than 429, 5xx),
  an answer White Cell cannot read, or an answer it broke off midway.
- 504 `ProviderTimeout`: the provider sent nothing for `WHITECELL_AI_TIMEOUT_SECONDS`.

A detail is written for the person who asked: what happened, in plain words, and what to do. It
never quotes the provider's own message (OpenAI's 401 message echoes part of the key); that goes
to the server log, with the configured key blanked out should it appear.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

import openai

from whitecell.core.clock import utcnow
from whitecell.core.errors import AppError, ServiceUnavailable

logger = logging.getLogger("whitecell.ai")

# The statuses whose meaning the administrator can act on, with what to check.
_CONFIGURATION_HINTS = {
    401: "it refused White Cell's API key (the administrator checks WHITECELL_AI_API_KEY)",
    403: "it refused White Cell's API key (the administrator checks WHITECELL_AI_API_KEY)",
    # Also a base URL without its /v1: the server then knows no such path.
    404: "it does not know the model or the path (the administrator checks WHITECELL_AI_MODEL "
    "and WHITECELL_AI_BASE_URL)",
}


class ProviderUnavailable(ServiceUnavailable):
    code = "provider_unavailable"


class ProviderFailed(AppError):
    status, code = 502, "provider_failed"


class ProviderTimeout(AppError):
    status, code = 504, "provider_timeout"


def provider_failure(
    error: Exception, *, answering: bool, timeout_seconds: float, secret: str = ""
) -> AppError:
    """The problem detail for an error of the openai client (or an unreadable answer).

    `answering`: part of the reply was already passed on, so a lost connection is a broken answer
    (502) rather than an unreachable server (503)."""
    _log(error, secret)
    if isinstance(error, openai.APITimeoutError):
        if answering:
            return ProviderTimeout(
                f"The AI model stopped sending its answer for more than {timeout_seconds:g} "
                "seconds; the answer is incomplete. Try again."
            )
        return ProviderTimeout(
            f"The AI model did not answer within {timeout_seconds:g} seconds. Try again in a "
            "moment, or ask a shorter question."
        )
    if isinstance(error, openai.APIConnectionError):
        if answering:
            return ProviderFailed(
                "The connection to the AI model broke in the middle of its answer; the answer is "
                "incomplete. Try again."
            )
        return ProviderUnavailable(
            "The AI model's server cannot be reached right now. Try again later."
        )
    if isinstance(error, openai.APIStatusError):
        return _status_failure(error.status_code, error.response.headers)
    if isinstance(error, openai.APIError):  # an error event inside a stream
        return ProviderFailed(
            "The AI model reported an error in the middle of its answer; the answer is "
            "incomplete. Try again."
        )
    return ProviderFailed("The AI model sent an answer White Cell cannot read. Try again.")


def _status_failure(status: int, headers: Mapping[str, str]) -> AppError:
    if status == 429:
        wait = retry_after_seconds(headers)
        when = f"in {wait} seconds" if wait is not None else "in a moment"
        return ProviderUnavailable(
            f"The AI model's server is busy (it limits how often White Cell may ask). Try again "
            f"{when}.",
            retry_after=wait,
        )
    if status == 408:
        return ProviderTimeout("The AI model's server gave up waiting (408). Try again.")
    if status in _CONFIGURATION_HINTS:
        hint = _CONFIGURATION_HINTS[status]
        return ProviderFailed(f"The AI model's server answered {status}: {hint}.")
    if status >= 500:
        return ProviderFailed(f"The AI model's server failed ({status}). Try again later.")
    return ProviderFailed(f"The AI model's server refused the request ({status}).")


def retry_after_seconds(headers: Mapping[str, str]) -> int | None:
    """Whole seconds to wait, from `Retry-After` (seconds or an HTTP date) or OpenAI's
    `retry-after-ms`; None when the provider named no wait."""
    seconds: float | None = None
    value = headers.get("retry-after")
    if value is not None:
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = (parsedate_to_datetime(value) - utcnow()).total_seconds()
            except (TypeError, ValueError):
                seconds = None
    if seconds is None and (milliseconds := headers.get("retry-after-ms")) is not None:
        try:
            seconds = float(milliseconds) / 1000
        except ValueError:
            seconds = None
    if seconds is None or not math.isfinite(seconds):
        return None
    return max(1, math.ceil(seconds))


def _log(error: Exception, secret: str) -> None:
    status = getattr(error, "status_code", None)
    message = str(error)
    if secret:
        message = message.replace(secret, "[WHITECELL_AI_API_KEY]")
    logger.warning("AI provider failure: %s status=%s %s", type(error).__name__, status, message)
