"""One exception tree for the whole project.

    FazhiError
    ├── ConfigError          the config file or an option is wrong
    ├── ArticleInvalid       an article file breaks the model (carries Problems)
    ├── BuildFailed          MkDocs could not build the site (strict warnings, template errors)
    ├── FetchError           a URL could not be fetched usefully
    │   ├── Blocked          anti-bot challenge or HTTP 412: skip the source this run
    │   ├── NotFound         HTTP 404/410
    │   ├── Disallowed       robots.txt forbids the URL: skipped and reported
    │   │   └── InternalAddress  the URL's host is not a public address: never fetched
    │   └── Transient        timeout, connection error, 5xx, 429: worth a retry
    ├── ExtractError         a fetched page does not have the expected shape
    ├── FileRefused          a file's bytes are not a type the archive publishes
    ├── SearchQueryError     a search query that cannot be answered (4xx)
    ├── ReleaseError         the releases folder is not in the expected shape
    └── LockHeld             another run holds the nightly lock
"""

from __future__ import annotations

from dataclasses import dataclass


class FazhiError(Exception):
    """Base of every error fazhi raises on purpose."""


class ConfigError(FazhiError):
    """The configuration file or a command-line option is wrong."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an article file, printed as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ArticleInvalid(FazhiError):
    """An article file breaks the model; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class BuildFailed(FazhiError):
    """MkDocs could not build the site; the message carries its warnings and errors."""


class FetchError(FazhiError):
    """A URL could not be fetched usefully."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class Blocked(FetchError):
    """The site answered with an anti-bot challenge or HTTP 412."""


class NotFound(FetchError):
    """The site answered 404 or 410."""


class Disallowed(FetchError):
    """robots.txt forbids fetching the URL; the scraper skips it and says so."""


class InternalAddress(Disallowed):
    """The URL's host is not a public address (loopback, private, link-local …) and not allowed by config."""


class Transient(FetchError):
    """Timeout, dropped connection, 5xx or 429: another try may succeed."""


class ExtractError(FazhiError):
    """A fetched page does not have the shape its platform expects."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class FileRefused(FazhiError):
    """A file whose bytes are not an allowed type (an HTML page, an SVG, a macro document …)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class SearchQueryError(FazhiError):
    """A query that cannot be answered; the API maps it to a 4xx."""

    def __init__(self, message: str, status: int = 400):
        self.status = status
        super().__init__(message)


class LockHeld(FazhiError):
    """Another nightly run holds the lock."""


class ReleaseError(FazhiError):
    """The releases folder is not in the expected shape, or a requested release does not exist."""
