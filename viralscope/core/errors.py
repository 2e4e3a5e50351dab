"""The exceptions viralscope raises, in one place.

::

    ViralscopeError
    ├── InputError            bad input: carries file, line, field and why; several problems at once
    ├── ConfigError           a setting or the configuration file is wrong
    ├── StoreError            the store cannot be opened or written
    │   └── StoreBusy         another process held the store for longer than the lock timeout
    ├── CollectorError        a source failed in a way retries could not mend
    │   ├── NotConfigured     a source lacks credentials (names the missing variable, never its value)
    │   ├── RateLimited       the source's limit was reached and waiting is not allowed
    │   ├── AuthFailed        the source refused the credentials
    │   └── SourceUnavailable the source kept failing after every retry
    ├── QueryError            a Boolean query does not parse (carries the position)
    ├── ModelError            a stored model is missing or does not fit
    └── InsufficientData      not enough data for a number to mean anything (carries the reason)

Library code raises these; only the edges (CLI commands, dashboard pages) catch them and show one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from viralscope.core import reasons


class ViralscopeError(Exception):
    """Base class of every error viralscope raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where it is and what is wrong."""

    file: str
    line: int | None
    field: str | None
    why: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.why}" if self.field else f"{where}: {self.why}"


class InputError(ViralscopeError):
    """Bad input. ``problems`` holds every problem found; ``str()`` is one line with the first few."""

    shown = 3

    def __init__(self, problems: list[Problem] | Problem, *, total: int | None = None):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        #: How many problems there are in all (``problems`` may hold only the first ones).
        self.total = max(total or 0, len(self.problems))
        super().__init__(self._summary())

    @property
    def first(self) -> Problem:
        return self.problems[0]

    def _summary(self) -> str:
        head = "; ".join(str(p) for p in self.problems[: self.shown])
        rest = self.total - min(self.shown, len(self.problems))
        return f"{head} (and {rest} more, {self.total} problems in all)" if rest > 0 else head


class ConfigError(ViralscopeError):
    """A setting or the configuration file is wrong."""


class StoreError(ViralscopeError):
    """The store cannot be opened or written."""


class StoreBusy(StoreError):
    """Another process held the store for longer than the lock timeout."""


class CollectorError(ViralscopeError):
    """A source failed in a way that retries could not mend."""


class NotConfigured(CollectorError):
    """A source lacks its credentials; the message names the variable, never a value."""


class RateLimited(CollectorError):
    """The source's rate limit was reached."""


class AuthFailed(CollectorError):
    """The source refused the credentials."""


class SourceUnavailable(CollectorError):
    """The source kept failing after every retry."""


class QueryError(ViralscopeError):
    """A Boolean query does not parse; ``position`` is the 0-based character offset."""

    def __init__(self, query: str, position: int, why: str):
        self.query, self.position, self.why = query, position, why
        pointer = " " * position + "^"
        super().__init__(f"query error at position {position}: {why}\n  {query}\n  {pointer}")


class ModelError(ViralscopeError):
    """A stored model is missing or does not fit the data."""


class InsufficientData(ViralscopeError):
    """Not enough data for a number to mean anything; ``reason`` says what is missing (in English), and, when
    raised with :meth:`of`, ``reason_code`` / ``reason_params`` say it in any language (``core.reasons``)."""

    def __init__(self, reason: str, code: str | None = None, params: dict | None = None):
        self.reason, self.reason_code, self.reason_params = reason, code, dict(params or {})
        super().__init__(reason)

    @classmethod
    def of(cls, code: str, **params) -> InsufficientData:
        """The error of reason ``code`` (``core.reasons.REASONS``), its English text as ``reason``."""
        return cls(reasons.text(code, params), code, params)
