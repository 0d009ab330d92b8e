"""A small JSON client for the services' public HTTP APIs (standard library only)."""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection, Mapping
from typing import Any


class ServiceError(Exception):
    """A service answered with an error status, or did not answer at all."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


class Tokens:
    """Demo users' access tokens from the realm (the password grant of the `rapport-feeder`
    client; the demo password is in the README), each reused while it has a minute to live."""

    def __init__(self, issuer: str, *, client_id: str, client_secret: str, password: str) -> None:
        self.token_url = issuer.rstrip("/") + "/protocol/openid-connect/token"
        self._form = {"client_id": client_id, "client_secret": client_secret, "password": password}
        self._cached: dict[str, tuple[str, float]] = {}

    def header(self, staff_id: str) -> dict[str, str]:
        """The Authorization header of the demo user with this staff id (AM-01 is am-01)."""
        username = staff_id.lower()
        token, renew_at = self._cached.get(username, ("", 0.0))
        if time.monotonic() >= renew_at:
            form = {**self._form, "grant_type": "password", "username": username}
            request = urllib.request.Request(
                self.token_url, data=urllib.parse.urlencode(form).encode(), method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=15) as response:
                    answer = json.loads(response.read())
            except (urllib.error.URLError, OSError) as error:
                raise ServiceError(
                    f"no token for {username} from {self.token_url}: {error}"
                ) from None
            token = str(answer["access_token"])
            renew_at = time.monotonic() + float(answer["expires_in"]) - 60
            self._cached[username] = (token, renew_at)
        return {"Authorization": f"Bearer {token}"}


class Service:
    """One service's API at `base_url` (the service itself or the front door). With `tokens`,
    each request is made as a demo user: `as_user`, else the service's `user`."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        timeout: float = 15.0,
        tokens: Tokens | None = None,
        user: str | None = None,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.tokens = tokens
        self.user = user

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        allow: Collection[int] = (),
        as_user: str | None = None,
    ) -> tuple[int, Any]:
        """(status, decoded JSON body or None). An error status not in `allow` raises
        ServiceError with the service's own error message."""
        url = self.base_url + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body, default=str).encode()
        sent = {"Accept": "application/json", **(headers or {})}
        user = as_user or self.user
        if self.tokens is not None and user is not None:
            sent.update(self.tokens.header(user))
        if data is not None:
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, _decode(response.read())
        except urllib.error.HTTPError as error:
            answer = _decode(error.read())
            if error.code in allow:
                return error.code, answer
            detail = answer.get("error", {}) if isinstance(answer, dict) else {}
            message = detail.get("message") or answer or error.reason
            raise ServiceError(
                f"{self.name} answered {error.code} to {method} {url}: {message}",
                status=error.code,
                code=detail.get("code"),
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ServiceError(f"{self.name} at {url} did not answer: {reason}") from None

    def get(self, path: str, **options: Any) -> Any:
        return self.request("GET", path, **options)[1]

    def post(self, path: str, body: Mapping[str, Any], **options: Any) -> Any:
        return self.request("POST", path, body=body, **options)[1]

    def put(self, path: str, body: Mapping[str, Any], **options: Any) -> Any:
        return self.request("PUT", path, body=body, **options)[1]


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:500]
