"""Live sets in the web app: Sensor Logger pushes to a secret URL, the page watches.

``LiveHub`` keeps the sets being lifted (in memory: a set lasts minutes; a restart ends
them). Each set's analysis runs off the event loop, at most one at a time per set and as
often as ``LiveConfig`` allows; its events go to the page as Server-Sent Events. When the
set ends (the lifter, the API, or 20 s still) its samples are stored as a Sensor Logger
JSON export and queued like an upload: the same worker, pipeline, history and log.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from thrustlab.config import LiveConfig
from thrustlab.explanation.answers import Answers, answers_from_mapping
from thrustlab.explanation.questions import AnswersError, question
from thrustlab.live import LEGS, LiveEvent, LiveSet, PushError, lan_address, parse_message
from thrustlab.log import EXERCISES, session_scope
from thrustlab.web.accounts import RateLimiter
from thrustlab.web.deps import (
    NeedLogin,
    PageUser,
    api_user,
    bearer_scheme,
    check_csrf,
    engine_of,
    page_user,
    pool_of,
    set_info,
)
from thrustlab.web.jobs import new_job
from thrustlab.web.models import User
from thrustlab.web.uploads import Upload

router = APIRouter(tags=["live"])
LOOPBACK = ("127.0.0.1", "localhost", "::1")
AFTER_SET_QUESTIONS = ("pain", "dizziness", "rpe")
"""Asked on the live page when the set ends (the rest can be added like any upload's)."""
KEEP_ENDED_S = 3600.0
"""An ended set stays readable (state, analysis id) for an hour, then leaves memory."""
KEEPALIVE_S = 15.0
REFINING_AT_ONCE = 2
"""Analyses that only refine what is known run two at a time (the machine's cores), so the
analyses that announce a rep are not kept waiting behind them."""


class Problem(BaseModel):
    detail: str


class LiveStart(BaseModel):
    exercise: str = Field(default="barbell_hip_thrust", max_length=40)
    velocity_limit_pct: float | None = Field(
        default=None, ge=20, le=40, description="'last rep' at this velocity loss (20-40 %)"
    )


class LiveCreated(BaseModel):
    id: str
    push_url: str
    state_url: str
    events_url: str


class LiveEnd(BaseModel):
    answers: dict[str, Any] | None = Field(
        default=None, description='After-set answers, e.g. {"pain": "none", "rpe": 9}'
    )
    ask: bool = Field(
        default=False,
        description="Keep the set open for the after-set answers (the page asks them)",
    )


class PhoneLeg(BaseModel):
    device_id: str = Field(max_length=100)
    leg: Literal["left", "right"]


class PushAccepted(BaseModel):
    accepted: bool = Field(description="False for a message already received (a repeat)")


class LiveState(BaseModel):
    id: str
    status: Literal["waiting", "live", "ended"]
    reps: list[dict[str, Any]] = Field(description="Confirmed reps, in the contract's names")
    set: dict[str, Any] | None
    cues: list[dict[str, Any]]
    quality: list[dict[str, Any]]
    phones: list[dict[str, Any]]
    velocity_limit_pct: float
    start_epoch_ns: int | None
    analysis_id: str | None
    awaiting_answers: bool


@dataclass(eq=False)
class LiveEntry:
    """One live set in the hub: its owner, its push secret, and who is watching."""

    id: str
    secret: str
    user_id: int
    exercise: str
    live: LiveSet
    analysing: asyncio.Lock = field(default_factory=asyncio.Lock)
    pushed: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    watchers: list[asyncio.Queue[LiveEvent]] = field(default_factory=list)
    job_id: str | None = None
    answers_due: float | None = None
    ended_at: float | None = None


class LiveHub:
    """The live sets of one app (``app.state.live``)."""

    def __init__(self, *, config: LiveConfig | None = None) -> None:
        self.config = config or LiveConfig()
        self.sets: dict[str, LiveEntry] = {}
        self.refining = asyncio.Semaphore(REFINING_AT_ONCE)
        self._engine: Any = None
        self._pool: Any = None
        self.push_limiter = RateLimiter(
            limit=int(self.config.max_messages_per_s * 10), window_s=10.0
        )

    def create(self, user: User, *, exercise: str, velocity_limit_pct: float | None) -> LiveEntry:
        open_sets = [
            e for e in self.sets.values() if e.user_id == user.id and e.live.status != "ended"
        ]
        if len(open_sets) >= self.config.max_open_sets:
            raise HTTPException(
                429, f"you have {len(open_sets)} live sets open; end one before starting another"
            )
        set_id = uuid.uuid4().hex
        entry = LiveEntry(
            id=set_id,
            secret=secrets.token_urlsafe(24),
            user_id=user.id,
            exercise=exercise,
            live=LiveSet(config=self.config, velocity_limit_pct=velocity_limit_pct),
        )
        self.sets[set_id] = entry
        return entry

    def visible(self, set_id: str, user: User) -> LiveEntry:
        """The set if ``user`` started it; otherwise 404, the same as for no such set."""
        entry = self.sets.get(set_id)
        if entry is None or entry.user_id != user.id:
            raise HTTPException(404, "no live set with this id")
        return entry

    def publish(self, entry: LiveEntry, events: list[LiveEvent]) -> None:
        for event in events:
            for queue in entry.watchers:
                queue.put_nowait(event)

    def schedule(self, entry: LiveEntry) -> None:
        """Analyse the set once its next analysis is due (one task per set at a time; a
        push wakes it, since it may bring the samples that confirm a rep)."""
        entry.pushed.set()
        if entry.task is None or entry.task.done():
            entry.task = asyncio.get_running_loop().create_task(self._analyse(entry))

    async def _analyse(self, entry: LiveEntry) -> None:
        while True:
            wait = entry.live.due_in_s()
            if wait is None:
                return
            if wait > 0:
                entry.pushed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(entry.pushed.wait(), timeout=wait)
                continue
            async with contextlib.AsyncExitStack() as slots:
                if not entry.live.urgent():  # refining waits its turn; announcing does not
                    await slots.enter_async_context(self.refining)
                await slots.enter_async_context(entry.analysing)
                events = await run_in_threadpool(entry.live.update)
            await self._after(entry, events)

    async def _after(self, entry: LiveEntry, events: list[LiveEvent], *, ask: bool = True) -> None:
        """Publish ``events``; when one ends the set, wait for the answers (or store it)."""
        self.publish(entry, events)
        if any(e.kind == "status" and e.data["status"] == "ended" for e in events):
            entry.ended_at = time.monotonic()
            if ask:
                entry.answers_due = time.monotonic() + self.config.answers_wait_s
            else:
                await self.store(entry, Answers())

    async def end(self, entry: LiveEntry, *, answers: Answers | None, ask: bool) -> None:
        """End the set (after a last analysis of everything received) and, unless the
        answers are to be asked, store it for the offline analysis."""
        if entry.live.status != "ended":
            async with entry.analysing:
                events = entry.live.end()
                events += await run_in_threadpool(partial(entry.live.update, final=True))
            await self._after(entry, events, ask=True)
        if answers is not None or not ask:
            await self.store(entry, answers or Answers())

    async def store(self, entry: LiveEntry, answers: Answers) -> None:
        """Queue the ended set's analysis like an upload; the state then carries its id."""
        if entry.job_id is not None:
            return
        entry.answers_due = None
        exports = entry.live.exports()
        if not exports:  # nothing was pushed: nothing to analyse
            self.publish(entry, [LiveEvent("status", {"status": "ended", "analysis_id": None})])
            return
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        uploads = [Upload(f"live-{stamp}-{leg}.json", data) for leg, data in exports]
        info = set_info(entry.exercise, dt.date.today(), answers)
        app_engine, user_id = self._engine, entry.user_id

        def queue() -> str:
            with session_scope(app_engine) as session:
                user = session.get(User, user_id)
                assert user is not None
            return new_job(app_engine, user, uploads, info)

        entry.job_id = await run_in_threadpool(queue)
        if self._pool is not None:
            self._pool.wake()
        self.publish(entry, [LiveEvent("status", {"status": "ended", "analysis_id": entry.job_id})])

    async def sweep(self) -> None:
        """End the sets whose phones went quiet, store those whose answers did not come,
        and forget the sets ended long ago."""
        now = time.monotonic()
        for entry in list(self.sets.values()):
            ended = entry.live.tick()
            if ended:  # the phones went quiet: the reps at the very end count too
                async with entry.analysing:
                    ended += await run_in_threadpool(partial(entry.live.update, final=True))
            await self._after(entry, ended)
            if entry.answers_due is not None and now >= entry.answers_due:
                await self.store(entry, Answers())
            if entry.ended_at is not None and now - entry.ended_at > KEEP_ENDED_S:
                self.sets.pop(entry.id, None)

    def bind(self, request: Request) -> None:
        """Where to store ended sets (the app's engine and worker pool)."""
        self._engine = engine_of(request)
        self._pool = pool_of(request)

    def state(self, entry: LiveEntry) -> LiveState:
        return LiveState(
            id=entry.id,
            analysis_id=entry.job_id,
            awaiting_answers=entry.answers_due is not None,
            **entry.live.state(),
        )


def hub_of(request: Request) -> LiveHub:
    hub: LiveHub | None = getattr(request.app.state, "live", None)
    if hub is None:
        hub = request.app.state.live = LiveHub()
    hub.bind(request)
    return hub


def live_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> User:
    """A bearer token's user, else the signed-in page's (whose POSTs carry the CSRF token
    in ``X-CSRF-Token``: the page's script sends it)."""
    if credentials is not None:
        return api_user(request, credentials)
    try:
        user = page_user(request)
    except NeedLogin:
        raise HTTPException(
            401, "sign in: POST /api/tokens, then send Authorization: Bearer <token>"
        ) from None
    if request.method == "POST":
        check_csrf(request, request.headers.get("x-csrf-token"))
    return user


LiveUser = Annotated[User, Depends(live_user)]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Not signed in"},
    404: {"model": Problem, "description": "No live set with this id (or not yours)"},
    422: {"model": Problem, "description": "A value is missing or malformed"},
}


def urls(request: Request, entry: LiveEntry) -> LiveCreated:
    """The set's URLs; the push URL on the machine's LAN address when the server listens on
    every interface (a phone cannot reach 127.0.0.1)."""
    base = str(request.base_url).rstrip("/")
    listen = getattr(request.app.state, "listen_host", None)
    if listen in ("0.0.0.0", "::"):
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        push_base = f"{request.url.scheme}://{lan_address()}:{port}"
    else:
        push_base = base
    api = f"{base}/api/live/{entry.id}"
    return LiveCreated(
        id=entry.id,
        push_url=f"{push_base}/api/live/{entry.id}/push/{entry.secret}",
        state_url=api,
        events_url=f"{api}/events",
    )


@router.post(
    "/api/live",
    status_code=201,
    response_model=LiveCreated,
    responses={**ERRORS, 400: {"model": Problem}, 429: {"model": Problem}},
    summary="Start a live set: Sensor Logger pushes to push_url, you watch state or events",
)
def start_live(request: Request, user: LiveUser, body: LiveStart | None = None) -> LiveCreated:
    body = body or LiveStart()
    if body.exercise not in EXERCISES:
        raise HTTPException(400, f"exercise must be one of: {', '.join(EXERCISES)}")
    entry = hub_of(request).create(
        user, exercise=body.exercise, velocity_limit_pct=body.velocity_limit_pct
    )
    return urls(request, entry)


PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["messageId", "payload"],
                    "properties": {
                        "messageId": {"type": "integer", "minimum": 0, "maximum": 2**62 - 1},
                        "sessionId": {"type": "string"},
                        "deviceId": {"type": "string", "maxLength": 100},
                        "payload": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "time", "values"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "time": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                                    "values": {
                                        "type": "object",
                                        "required": ["x", "y", "z"],
                                        "properties": {a: {"type": "number"} for a in "xyz"},
                                    },
                                },
                            },
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/api/live/{set_id}/push/{secret}",
    response_model=PushAccepted,
    responses={
        400: {"model": Problem, "description": "Not a Sensor Logger push message"},
        404: {"model": Problem, "description": "No live set with this id and secret"},
        409: {"model": Problem, "description": "A third phone (two push to a set)"},
        410: {"model": Problem, "description": "The set has ended"},
        413: {"model": Problem, "description": "Message too large"},
        429: {"model": Problem, "description": "Too many messages"},
    },
    openapi_extra=PUSH_BODY,
    summary="Sensor Logger's HTTP Push (the URL is the set's secret: no sign-in)",
)
async def push(request: Request, set_id: str, secret: str) -> PushAccepted:
    hub = hub_of(request)
    entry = hub.sets.get(set_id)
    if entry is None or not secrets.compare_digest(entry.secret.encode(), secret.encode()):
        raise HTTPException(404, "no live set with this push URL; start a new live set")
    if entry.live.status == "ended":
        raise HTTPException(410, "this set has ended; start a new live set for the next one")
    if not hub.push_limiter.allow(set_id):
        raise HTTPException(429, "too many messages; set a batch period of 200-1000 ms")
    body = await _body(request, hub.config.max_message_bytes)
    message = parse_message(body, max_bytes=hub.config.max_message_bytes)
    fresh = not entry.live.has(message)
    try:
        events = entry.live.push(message)
    except PushError as error:
        raise HTTPException(error.status_code, str(error)) from None
    hub.publish(entry, events)
    hub.schedule(entry)
    await hub.sweep()
    return PushAccepted(accepted=fresh)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, reading no more than ``limit`` + 1 bytes."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the message is over {limit // 1024} kB; push more often")
        chunks.append(chunk)
    return b"".join(chunks)


@router.get(
    "/api/live/{set_id}",
    response_model=LiveState,
    responses=ERRORS,
    summary="A live set now: status, confirmed reps, set figures, cues; analysis_id once stored",
)
async def live_state(request: Request, set_id: str, user: LiveUser) -> LiveState:
    hub = hub_of(request)
    entry = hub.visible(set_id, user)
    await hub.sweep()
    return hub.state(entry)


@router.get(
    "/api/live/{set_id}/events",
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
    response_class=StreamingResponse,
    summary="The set as Server-Sent Events: rep, cue and status",
)
async def live_events(request: Request, set_id: str, user: LiveUser) -> StreamingResponse:
    hub = hub_of(request)
    entry = hub.visible(set_id, user)
    queue: asyncio.Queue[LiveEvent] = asyncio.Queue()
    entry.watchers.append(queue)
    return StreamingResponse(
        _stream(request, hub, entry, queue),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(
    request: Request, hub: LiveHub, entry: LiveEntry, queue: asyncio.Queue[LiveEvent]
) -> AsyncIterator[str]:
    try:
        yield _sse("status", hub.state(entry).model_dump())
        quiet_s = 0.0
        while entry.job_id is None or not queue.empty():
            try:
                event = await asyncio.wait_for(queue.get(), timeout=1.0)
            except TimeoutError:
                await hub.sweep()
                quiet_s += 1.0
                if await request.is_disconnected() or entry.id not in hub.sets:
                    return
                if quiet_s >= KEEPALIVE_S:
                    quiet_s = 0.0
                    yield ": keepalive\n\n"
                continue
            quiet_s = 0.0
            yield _sse(event.kind, dict(event.data))
    finally:
        if queue in entry.watchers:
            entry.watchers.remove(queue)


def _sse(kind: str, data: Mapping[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


@router.post(
    "/api/live/{set_id}/end",
    response_model=LiveState,
    responses={**ERRORS, 400: {"model": Problem}, 403: {"model": Problem}},
    summary="End the set; with answers (or ask false) it is stored and analysed at once",
)
async def end_live(
    request: Request, set_id: str, user: LiveUser, body: LiveEnd | None = None
) -> LiveState:
    hub = hub_of(request)
    entry = hub.visible(set_id, user)
    body = body or LiveEnd()
    answers = _answers(body.answers) if body.answers is not None else None
    await hub.end(entry, answers=answers, ask=body.ask)
    return hub.state(entry)


def _answers(given: Mapping[str, Any]) -> Answers:
    try:
        return answers_from_mapping(dict(given))
    except AnswersError as error:
        label = question(error.key).label if error.key else "answers"
        raise HTTPException(400, f"{label} {error.problem}") from None


@router.post(
    "/api/live/{set_id}/phones",
    response_model=LiveState,
    responses={**ERRORS, 400: {"model": Problem}, 403: {"model": Problem}},
    summary="Say which thigh a phone is on (the other phone takes the other)",
)
def assign_phone(request: Request, set_id: str, user: LiveUser, body: PhoneLeg) -> LiveState:
    hub = hub_of(request)
    entry = hub.visible(set_id, user)
    entry.live.assign(body.device_id, body.leg)
    return hub.state(entry)


# --- the pages -------------------------------------------------------------------------------
@router.get("/live", include_in_schema=False)
def live_start_page(request: Request, user: PageUser) -> HTMLResponse:
    from thrustlab.web.pages import render

    config = LiveConfig()
    return render(request, "live_start.html", user=user, config=config)


@router.post("/live", include_in_schema=False)
def live_start(
    request: Request,
    user: PageUser,
    exercise: Annotated[str, Form(max_length=40)] = "barbell_hip_thrust",
    velocity_limit_pct: Annotated[float, Form()] = LiveConfig().velocity_limit_pct,
    csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf_token_)
    if exercise not in EXERCISES:
        raise HTTPException(400, f"exercise must be one of: {', '.join(EXERCISES)}")
    entry = hub_of(request).create(user, exercise=exercise, velocity_limit_pct=velocity_limit_pct)
    return RedirectResponse(f"/live/{entry.id}", status_code=303)


@router.get("/live/{set_id}", include_in_schema=False)
def live_page(request: Request, set_id: str, user: PageUser) -> HTMLResponse:
    import segno

    from thrustlab.web.pages import render

    hub = hub_of(request)
    entry = hub.visible(set_id, user)
    links = urls(request, entry)
    listen = getattr(request.app.state, "listen_host", None)
    host = request.url.hostname or ""
    loopback_only = listen in LOOPBACK or (listen is None and host in LOOPBACK)
    return render(
        request,
        "live.html",
        user=user,
        entry=entry,
        links=links,
        qr=segno.make(links.push_url, error="m").svg_data_uri(scale=5, border=2),
        loopback_only=loopback_only,
        questions=[question(key) for key in AFTER_SET_QUESTIONS],
        legs=LEGS,
    )
