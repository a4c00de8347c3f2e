"""The web app's settings: one frozen dataclass, passed to ``create_app(settings)``."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import field

from thrustlab.records import record

MIB = 1024 * 1024


@record
class WebSettings:
    """Everything the web app is configured by; defaults suit one lifter on a laptop."""

    database_url: str | None = None
    """The log's database (``None``: ``$THRUSTLAB_DATABASE_URL``, else the default SQLite)."""
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    """Signs the session cookies; set it (``$THRUSTLAB_SECRET_KEY``) to keep logins."""
    secure_cookies: bool = True
    """Send the session cookie over HTTPS only (off for plain-HTTP loopback use)."""
    max_upload_bytes: int = 20 * MIB
    """Largest recording file accepted."""
    max_video_bytes: int = 300 * MIB
    """Largest video accepted (a phone video of one set, trimmed)."""
    video_pose: bool = True
    """Follow the body with MediaPipe Pose in videos (off: plate and thigh motion only)."""
    max_unzipped_bytes: int = 200 * MIB
    """Largest total a zip upload may declare uncompressed."""
    max_zip_ratio: float = 100.0
    """Largest compression ratio of a zip member (larger looks like a zip bomb)."""
    workers: int = 2
    """Background analysis workers."""
    processes: bool = False
    """Run the analyses in worker processes (off the server's GIL: faster pages under load)."""
    login_attempts_per_minute: int = 10
    """Login, token and sign-up attempts per client address and minute before 429."""
    join_attempts_per_minute: int = 10
    """Team join-code attempts per user (and per client address) and minute before 429."""
    session_max_age_s: int = 14 * 24 * 3600
    api_token_max_age_s: int = 30 * 24 * 3600
    """How long an API token works after it was issued; then ``POST /api/tokens`` again."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks (``10.0.0.0/8``) of reverse proxies whose ``X-Forwarded-For``
    names the client (``$THRUSTLAB_TRUSTED_PROXIES``). None by default: the address that
    connects is the client, whatever headers it sends."""
    api_docs: bool = False
    """Serve the interactive API docs at ``/docs`` and ``/redoc`` (``$THRUSTLAB_API_DOCS=1``);
    off by default because those pages load Swagger UI and ReDoc from a CDN."""
    scratch_dir: str | None = None
    """Where uploads are copied while they are checked and analysed (``None``: a
    ``thrustlab-web-*`` folder in the system's temporary folder)."""

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise ValueError("workers must be 0 (no background analysis) or more")
        if self.max_upload_bytes <= 0 or self.max_video_bytes <= 0:
            raise ValueError("max_upload_bytes and max_video_bytes must be positive")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(
                    f"trusted proxy {proxy!r} is not an IP address or network (10.0.0.1, "
                    "10.0.0.0/8)"
                ) from None
