"""Accounts: argon2 password hashes, browser sessions, API tokens, teams, and a rate limit."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from thrustlab.log.models import utcnow
from thrustlab.web.errors import AccountError, LoginError
from thrustlab.web.models import ROLES, ApiToken, Membership, Team, User, WebSession

# OWASP's argon2id baseline (19 MiB, 2 passes): strong, yet 50 sign-ups at once fit in memory.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_CHARS = 10
_PART = r"[^@\s\x00-\x1f\x7f]"  # no spaces or control characters (PostgreSQL refuses NUL)
_EMAIL = re.compile(rf"^{_PART}{{1,64}}@{_PART}{{1,180}}\.{_PART}{{2,}}$")
_DUMMY_HASH = HASHER.hash("not a password anyone has")
EMAIL_UNAVAILABLE = "cannot sign up with this email; if you have an account, log in instead"
"""The same words whatever the reason, so sign-up does not tell who has an account."""


def create_user(
    session: Session, /, *, email: str, password: str, role: str, display_name: str = ""
) -> User:
    """A new account; one-line ``AccountError`` when a value is unusable or the email taken."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise AccountError(f"{email!r} is not an email address")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if role not in ROLES:
        raise AccountError(f"role must be lifter or coach, not {role!r}")
    password_hash = HASHER.hash(password)  # before the look-up: as slow for a taken email
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(EMAIL_UNAVAILABLE)
    display_name = "".join(c for c in display_name if c.isprintable()).strip()
    user = User(
        email=email,
        display_name=(display_name or email.split("@")[0])[:100],
        password_hash=password_hash,
        role=role,
        lifter_name=f"web:{email}",
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise AccountError(EMAIL_UNAVAILABLE) from None
    return user


def authenticate(session: Session, /, *, email: str, password: str) -> User:
    """The user with this email and password, else ``LoginError`` (same message either way)."""
    email = email.strip().lower()
    user = session.scalar(select(User).where(User.email == email)) if _EMAIL.match(email) else None
    try:
        HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise LoginError("wrong email or password") from None
    if user is None:
        raise LoginError("wrong email or password")
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    return user


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def start_session(session: Session, user: User, /, *, max_age_s: int) -> str:
    """A new browser session for ``user``: the random id for its cookie (the table keeps its
    hash). The user's sessions older than ``max_age_s`` are deleted on the way."""
    oldest = utcnow() - dt.timedelta(seconds=max_age_s)
    session.execute(
        delete(WebSession).where(WebSession.user_id == user.id, WebSession.created_at < oldest)
    )
    session_id = secrets.token_urlsafe(32)
    session.add(WebSession(id_sha256=_sha256(session_id), user_id=user.id))
    return session_id


def end_session(session: Session, session_id: str, /) -> None:
    """Log out: the session's id opens nothing any more."""
    session.execute(delete(WebSession).where(WebSession.id_sha256 == _sha256(session_id)))


def user_for_session(
    session: Session, session_id: str, user_id: int, /, *, max_age_s: int
) -> User | None:
    """The user of a live session (not logged out, not older than ``max_age_s``)."""
    return session.scalar(
        select(User)
        .join(WebSession, WebSession.user_id == User.id)
        .where(
            WebSession.id_sha256 == _sha256(session_id),
            User.id == user_id,
            WebSession.created_at >= utcnow() - dt.timedelta(seconds=max_age_s),
        )
    )


def issue_token(session: Session, user: User, /) -> str:
    """A new API token for ``user`` (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(token_sha256=_sha256(token), user_id=user.id))
    return token


def user_for_token(session: Session, token: str, /, *, max_age_s: int) -> User | None:
    """The user of an API token issued less than ``max_age_s`` ago (one query)."""
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_sha256 == _sha256(token),
            ApiToken.created_at >= utcnow() - dt.timedelta(seconds=max_age_s),
        )
    )


def team_of(session: Session, coach: User, /) -> Team:
    """The coach's team, made on first use with a join code to hand to athletes."""
    team = session.scalar(select(Team).where(Team.coach_id == coach.id))
    if team is None:
        team = Team(
            coach_id=coach.id,
            name=f"{coach.display_name}'s team"[:100],
            join_code=secrets.token_urlsafe(9),
        )
        session.add(team)
        session.flush()
    return team


def join_team(session: Session, lifter: User, code: str, /, *, shares_earlier: bool = True) -> Team:
    """Join the team with this code; ``shares_earlier`` False: the coach sees only the sets
    uploaded from now on."""
    code = code.strip()
    team = (
        session.scalar(select(Team).where(Team.join_code == code)) if code.isprintable() else None
    )
    if team is None:
        raise AccountError("no team has this join code; ask your coach for it again")
    if lifter.role != "lifter":
        raise AccountError("only lifters join teams")
    exists = session.scalar(
        select(Membership.id).where(Membership.team_id == team.id, Membership.user_id == lifter.id)
    )
    if exists is None:
        session.add(Membership(team_id=team.id, user_id=lifter.id, shares_earlier=shares_earlier))
    else:
        membership = session.get(Membership, exists)
        assert membership is not None
        membership.shares_earlier = shares_earlier
    return team


def memberships_of(session: Session, lifter: User, /) -> list[tuple[Team, Membership]]:
    """The teams the lifter joined, each with its membership (since when, what it shows)."""
    statement = (
        select(Team, Membership)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == lifter.id)
        .order_by(Team.name)
    )
    return [(team, membership) for team, membership in session.execute(statement)]


def leave_team(session: Session, lifter: User, team_id: int, /) -> None:
    """Leave a team: its coach sees none of the lifter's sets any more."""
    session.execute(
        delete(Membership).where(Membership.team_id == team_id, Membership.user_id == lifter.id)
    )


def visible_since(session: Session, viewer: User, owner_id: int, /) -> dt.datetime | None:
    """From when ``viewer`` may see the user ``owner_id``'s uploads: ``datetime.min`` for
    themselves and for a coach shown earlier sets, the day they joined for a coach shown only
    new ones, ``None`` when not at all."""
    if viewer.id == owner_id:
        return dt.datetime.min
    if viewer.role != "coach":
        return None
    statement = (
        select(Membership)
        .join(Team, Team.id == Membership.team_id)
        .where(Team.coach_id == viewer.id, Membership.user_id == owner_id)
    )
    found = list(session.scalars(statement))
    if not found:
        return None
    return min(dt.datetime.min if m.shares_earlier else m.created_at for m in found)


def athletes_of(session: Session, coach: User, /) -> list[User]:
    """The lifters who joined the coach's team(s)."""
    statement = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Team, Team.id == Membership.team_id)
        .where(Team.coach_id == coach.id)
        .order_by(User.display_name)
    )
    return list(session.scalars(statement))


def can_see(
    session: Session, viewer: User, owner_id: int, /, *, made_at: dt.datetime | None = None
) -> bool:
    """May ``viewer`` see what the user ``owner_id`` uploaded (at ``made_at``; ``None``: any
    of it)? Themselves, or their coach (only from the day they joined, when the lifter chose
    so)."""
    since = visible_since(session, viewer, owner_id)
    return since is not None and (made_at is None or made_at >= since)


class RateLimiter:
    """At most ``limit`` events per key in any ``window_s`` seconds (in memory, per process)."""

    def __init__(
        self, *, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window_s = window_s
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, /) -> bool:
        now = self._clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self._window_s:
                events.popleft()
            if len(events) >= self._limit:
                return False
            events.append(now)
            if len(self._events) > 10_000:  # forget idle clients
                self._events = {k: v for k, v in self._events.items() if v}
            return True
