"""The one module that speaks HTTP (an import-linter contract says so): a session
configured once, as pip's PipSession is, and used for every page of a fetch.

urllib3 does the work: its `Retry` retries connection errors, read timeouts and the
statuses servers use for "try again" (429, 500, 502, 503, 504) with exponential
backoff and jitter, honours Retry-After, and follows a bounded number of redirects.
A response body is streamed into a file, decoded from gzip on the way, and refused
as soon as it passes the size limit (a page is never read into memory first).
What is raised is `FetchFailed`: one sentence, without the page's place in the
fetch (the caller knows that and adds it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from projreg.errors import ProjregError
from projreg.version import __version__

USER_AGENT = f"projreg/{__version__} (+https://github.com/projreg/projreg)"
RETRY_STATUSES = (429, 500, 502, 503, 504)
# Tests (and impatient users) shrink the backoff: seconds before the first retry.
BACKOFF_ENV = "PROJREG_BACKOFF"
RETRY_AFTER_MAX = 120  # seconds: a longer Retry-After is waited for this long, then retried
_CHUNK = 64 * 1024


class FetchFailed(ProjregError):
    """A page that could not be had: the reason, as one sentence."""


@dataclass(frozen=True)
class Settings:
    """How every request is made; one value for a whole fetch."""

    timeout: float = 30.0  # seconds to connect, and between bytes read
    retries: int = 4  # retries after the first try
    max_bytes: int = 300 * 1024 * 1024  # a page larger than this is refused
    redirects: int = 5
    backoff: float | None = None  # None: $PROJREG_BACKOFF, else 0.5 s
    headers: tuple[tuple[str, str], ...] = ()  # e.g. an API key's header

    def backoff_base(self) -> float:
        if self.backoff is not None:
            return self.backoff
        try:
            return max(0.0, float(os.environ.get(BACKOFF_ENV, "0.5")))
        except ValueError:
            return 0.5


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


class Session:
    """One connection pool, one retry policy, one identity, for every request."""

    def __init__(self, settings: Settings):
        import urllib3

        self.settings = settings
        base = settings.backoff_base()
        self._retry = _retry_class()(
            total=settings.retries,
            connect=settings.retries,
            read=settings.retries,
            status=settings.retries,
            other=settings.retries,
            redirect=settings.redirects,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=base,
            backoff_jitter=base,
            backoff_max=60,
            respect_retry_after_header=True,
            raise_on_status=False,  # the last response is returned: its status is reported
            raise_on_redirect=True,
        )
        self._pool = urllib3.PoolManager(
            headers={
                "User-Agent": USER_AGENT,
                "Accept-Encoding": "gzip, deflate",
                **dict(settings.headers),
            },
            timeout=urllib3.Timeout(connect=settings.timeout, read=settings.timeout),
            retries=self._retry,
        )

    def download(self, url: str, target: Path, progress=None) -> str:
        """GET url into the file target (decoded); its content type. Raises FetchFailed.

        A body cut short (the connection dropped or stalled) is asked for again, within
        the same number of retries; progress(bytes) is called as bytes arrive.
        """
        import urllib3

        tries = 0
        while True:
            tries += 1
            response = self._request(url)
            try:
                return self._save(response, url, target, progress)
            except OSError as error:
                raise FetchFailed(
                    f"cannot keep the page in {target.parent}: {error.strerror or error}"
                ) from None
            except urllib3.exceptions.DecodeError:
                raise FetchFailed("the response's compressed body does not decode") from None
            except (urllib3.exceptions.ProtocolError, urllib3.exceptions.ReadTimeoutError) as error:
                if tries > self.settings.retries:
                    raise FetchFailed(
                        f"the response was cut short ({_reason(error)}) "
                        f"after {_plural(tries, 'try')}"
                    ) from None
                import time

                time.sleep(self._retry.get_backoff_time() or self.settings.backoff_base())
            finally:
                response.release_conn()

    def _request(self, url: str):
        import urllib3

        try:
            response = self._pool.request("GET", url, preload_content=False, decode_content=True)
        except urllib3.exceptions.MaxRetryError as error:
            reason = error.reason
            if isinstance(reason, urllib3.exceptions.ResponseError) and "redirect" in str(reason):
                raise FetchFailed(f"more than {self.settings.redirects} redirects") from None
            raise FetchFailed(
                f"{_reason(reason)} after {_plural(self.settings.retries + 1, 'try')}"
            ) from None
        except urllib3.exceptions.HTTPError as error:
            raise FetchFailed(_reason(error)) from None
        if response.status >= 400 or response.status in RETRY_STATUSES:
            history = response.retries.history if response.retries else ()
            tries = len(history) + 1
            response.release_conn()
            said = f"HTTP {response.status}"
            if response.reason:
                said += f" {response.reason}"
            if response.status in RETRY_STATUSES:
                said += f" after {_plural(tries, 'try')}"
            raise FetchFailed(said)
        if 300 <= response.status < 400:
            response.release_conn()
            raise FetchFailed(f"HTTP {response.status} redirect without a usable Location")
        return response

    def _save(self, response, url: str, target: Path, progress) -> str:
        """Stream the body into target, stopping at the size limit."""
        limit = self.settings.max_bytes
        length = response.headers.get("Content-Length")
        encoded = response.headers.get("Content-Encoding")
        if length and length.isdigit() and not encoded and int(length) > limit:
            raise FetchFailed(
                f"the page is {int(length):,} bytes, more than the limit of {limit:,} "
                "(--max-page-size)"
            )
        size = 0
        with open(target, "wb") as file:
            for chunk in response.stream(_CHUNK, decode_content=True):
                size += len(chunk)
                if size > limit:
                    raise FetchFailed(
                        f"the page passed the limit of {limit:,} bytes while it was read "
                        "(--max-page-size)"
                    )
                file.write(chunk)
                if progress:
                    progress(len(chunk))
        return response.headers.get("Content-Type", "")


def _retry_class():
    """urllib3's Retry, with a server's Retry-After capped (a day's wait is not a retry)."""
    import urllib3

    class Retry(urllib3.Retry):
        def parse_retry_after(self, retry_after: str) -> float:
            return min(super().parse_retry_after(retry_after), RETRY_AFTER_MAX)

    return Retry


def _reason(error) -> str:
    """A connection error in a few words, without urllib3's object addresses."""
    import urllib3

    exceptions = urllib3.exceptions
    if isinstance(error, exceptions.NewConnectionError):
        import re

        cause = str(error).rsplit(":", 1)[-1].strip()
        cause = re.sub(r"^\[Errno -?\d+\]\s*", "", cause) or "refused"
        return f"cannot connect ({cause})"
    if isinstance(error, exceptions.ConnectTimeoutError):
        return "connecting timed out"
    if isinstance(error, exceptions.ReadTimeoutError):
        return "no answer within the timeout (--timeout)"
    if isinstance(error, exceptions.ProtocolError):
        inner = error.args[1] if len(error.args) > 1 else error
        return f"connection broken: {type(inner).__name__}"
    if isinstance(error, exceptions.SSLError):
        return "TLS error"
    return str(error) or type(error).__name__
