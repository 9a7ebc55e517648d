"""Who is asking: password hashes, API tokens, the signed session cookie, CSRF, login limits.

Only the standard library: scrypt (memory-hard, ``hashlib``) for passwords, HMAC-SHA256
for the cookie's signature, ``secrets`` for tokens. The cookie carries the account id,
the CSRF token of this sign-in and an expiry; it is HttpOnly and SameSite=Lax, so a
script cannot read it and another site's form cannot send it with a POST.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Optional

# scrypt cost: 2^14 × 8 × 128 B = 16 MiB per hash, ~50 ms on the machines we measure on.
_N, _R, _P = 2**14, 8, 1
_MAXMEM = 64 * 1024 * 1024


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAXMEM)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), maxmem=_MAXMEM)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def new_token() -> str:
    """An API token, shown once; the store keeps only ``token_hash(token)``."""
    return "cchc_" + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # A token has 256 random bits: a fast hash is enough, and lets the lookup be an index.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass
class CookieSigner:
    """Signs and checks the session cookie's payload (JSON) with the app's secret."""

    secret: bytes
    max_age: int = 12 * 3600

    def dumps(self, payload: dict[str, Any]) -> str:
        body = dict(payload, exp=int(time.time()) + self.max_age)
        raw = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode().rstrip("=")
        return raw + "." + self._sign(raw)

    def loads(self, value: Optional[str]) -> Optional[dict[str, Any]]:
        if not value or "." not in value:
            return None
        raw, sig = value.rsplit(".", 1)
        if not hmac.compare_digest(sig, self._sign(raw)):
            return None
        try:
            body = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        except (ValueError, TypeError):
            return None
        if not isinstance(body, dict) or int(body.get("exp", 0)) < time.time():
            return None
        return body

    def _sign(self, raw: str) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.secret, raw.encode(), hashlib.sha256).digest()).decode().rstrip("=")


@dataclass
class LoginLimiter:
    """At most ``attempts`` failed sign-ins per ``window`` seconds for one name, and
    ``address_attempts`` for one address (an office behind one NAT shares it, so it gets
    more); kept by the app (one per app, never per process)."""

    attempts: int = 5
    window: float = 300.0
    address_attempts: int = 50
    _failures: dict[str, deque] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self, name: str, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return (len(self._recent("name:" + name, now)) >= self.attempts
                    or len(self._recent("addr:" + address, now)) >= self.address_attempts)

    def failed(self, name: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 10_000:  # many names tried once: forget the stale ones
                for key in [k for k, q in self._failures.items() if not q or now - q[-1] > self.window]:
                    del self._failures[key]
            self._recent("name:" + name, now).append(now)
            self._recent("addr:" + address, now).append(now)

    def succeeded(self, name: str, address: str) -> None:
        with self._lock:
            self._failures.pop("name:" + name, None)

    def _recent(self, key: str, now: float) -> deque:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q


def csrf_ok(expected: Optional[str], given: Optional[str]) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
