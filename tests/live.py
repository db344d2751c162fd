"""Plain HTTP clients for the test's app served on 127.0.0.1 (the `served` fixture): the races run through
real requests, each client a separate browser (cookie jar, redirects followed)."""

import re
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, Request, build_opener

from tests.factories import PASSWORD

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'type="hidden" name="csrf_token" value="([^"]+)"')


class LiveClient:
    """One person's browser; errors are returned, not raised."""

    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, page, the path finally answered) after redirects."""
        body = urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(Request(self.base + path, data=body), timeout=30) as answer:
                return answer.status, answer.read().decode(), urlsplit(answer.url).path
        except HTTPError as err:
            return err.code, err.read().decode(), urlsplit(err.url).path

    @staticmethod
    def csrf(html: str) -> str:
        match = CSRF.search(html)
        assert match, html[:500]
        return match.group(1) or match.group(2)

    def login(self, username: str, home: str) -> None:
        _, page, _ = self.request("/login")
        status, _, where = self.request("/login", {"username": username, "password": PASSWORD,
                                                   "csrf_token": self.csrf(page)})
        assert (status, where) == (200, home), (status, where)
