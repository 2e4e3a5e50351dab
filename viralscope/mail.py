"""E-mail over SMTP, one sender for alerts (``[alerts]``) and reports (``report --email``, ``[report]``).

Settings come from the typed SMTP keys of the configuration (``viralscope.config.Smtp``), the first table that
sets a key wins; ``report --email`` also takes the environment first (``VIRALSCOPE_REPORT_TO``,
``VIRALSCOPE_REPORT_FROM``, ``VIRALSCOPE_SMTP_HOST``, ``…_PORT``, ``…_TLS``, ``…_USER``). Defaults: localhost,
port 25 (465 with ``smtp_tls = "ssl"``), no TLS, sender ``viralscope@localhost``.

The login is ``smtp_user`` or the variable ``smtp_user_env`` names; the password only ever comes from the
environment (the variable ``smtp_password_env`` names, default ``VIRALSCOPE_SMTP_PASSWORD``), is kept out of
``repr`` and never appears in a message: a failure is reported by the server's code or the exception's kind.
"""

from __future__ import annotations

import smtplib
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from viralscope.config import TLS_MODES, Smtp
from viralscope.core import settings as env
from viralscope.core.errors import ConfigError

__all__ = ["DEFAULT_PASSWORD_ENV", "MailFailed", "MailSettings", "mail_settings", "send"]

DEFAULT_PASSWORD_ENV = "VIRALSCOPE_SMTP_PASSWORD"
#: The variables ``report --email`` reads before the configuration, by key.
ENVIRONMENT = {"email_to": "VIRALSCOPE_REPORT_TO", "email_from": "VIRALSCOPE_REPORT_FROM",
               "smtp_host": "VIRALSCOPE_SMTP_HOST", "smtp_port": "VIRALSCOPE_SMTP_PORT",
               "smtp_tls": "VIRALSCOPE_SMTP_TLS", "smtp_user": "VIRALSCOPE_SMTP_USER"}


@dataclass(frozen=True)
class MailSettings:
    to: tuple[str, ...]
    sender: str
    host: str
    port: int
    tls: str = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    retries: int = 2
    backoff: float = 1.0
    timeout: float = 20.0

    def secrets(self) -> list[str]:
        """What a message about this mail must never contain."""
        return [self.password or "", self.user or ""]


class MailFailed(Exception):
    """The mail server did not take the message; the text names no secret."""


def mail_settings(*tables: Smtp, environment: bool = False, backoff: float = 1.0, timeout: float = 20.0,
                  where: str = "[report]") -> MailSettings:
    """The SMTP settings of ``tables`` (first that sets a key wins), under the environment when ``environment``.

    ``backoff`` and ``timeout`` are the caller's defaults; ``where`` names the table in errors about values
    from the environment (the file's own values were checked when the configuration was read).
    """

    def pick(key, default=None):
        if environment and key in ENVIRONMENT:
            name = ENVIRONMENT[key]
            found = env.secret(name) if env.VARIABLES[name].secret else env.value(name)
            if found:
                return found
        for t in tables:
            if getattr(t, key) not in (None, "", ()):
                return getattr(t, key)
        return default

    to = pick("email_to", ())
    if isinstance(to, str):
        to = tuple(a.strip() for a in to.split(",") if a.strip())
    tls = str(pick("smtp_tls", "none")).lower()
    if tls not in TLS_MODES:
        raise ConfigError(f"{where} smtp_tls: {tls!r} is not one of {', '.join(TLS_MODES)}")
    try:
        port = int(pick("smtp_port", 465 if tls == "ssl" else 25))
    except (TypeError, ValueError):
        raise ConfigError(f"{where} smtp_port: must be a whole number") from None
    user_env = pick("smtp_user_env")
    user = (env.secret(str(user_env)) if user_env else None) or pick("smtp_user")
    return MailSettings(
        to=tuple(str(a) for a in to), sender=str(pick("email_from", "viralscope@localhost")),
        host=str(pick("smtp_host", "localhost")), port=port, tls=tls, user=str(user) if user else None,
        password=env.secret(str(pick("smtp_password_env", DEFAULT_PASSWORD_ENV))),
        retries=int(pick("retries", 2)), backoff=float(pick("retry_backoff", backoff)), timeout=timeout,
    )


def send(msg: EmailMessage, settings: MailSettings) -> str:
    """Send ``msg`` to ``settings.to``; retries transient failures (4xx answers, network) with backoff.

    Raises ``MailFailed`` saying why (the server's code, or that it is unreachable) without any secret.
    """
    for attempt in range(settings.retries + 1):
        try:
            cls = smtplib.SMTP_SSL if settings.tls == "ssl" else smtplib.SMTP
            with cls(settings.host, settings.port, timeout=settings.timeout) as smtp:
                if settings.tls == "starttls":
                    smtp.starttls()
                if settings.user and settings.password:
                    smtp.login(settings.user, settings.password)
                smtp.send_message(msg)
            return f"sent to {len(settings.to)} recipient(s)"
        except smtplib.SMTPResponseException as exc:
            transient, why = 400 <= exc.smtp_code < 500, f"the mail server answered {exc.smtp_code}"
        except (OSError, smtplib.SMTPException) as exc:
            # The exception's text may echo the login; only its kind is reported.
            transient = True
            why = f"the mail server at {settings.host}:{settings.port} is unreachable ({type(exc).__name__})"
        if not transient or attempt == settings.retries:
            raise MailFailed(why)
        time.sleep(settings.backoff * 2**attempt)
    raise MailFailed("mail not sent")
