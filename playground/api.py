"""The playground's JSON API: one function per endpoint, independent of the HTTP plumbing.

    GET  /api/meta                          every setting's limits and choices
    POST /api/session        {"query": s}   a new session from a URL query   -> setup, snapshot
    GET  /api/session/<id>                                                   -> setup, snapshot
    POST /api/session/<id>/config {k: v}    change settings                  -> setup, snapshot
    POST /api/session/<id>/step {"steps": n, "budget_ms": t}  train n batches (1..500), for at
                                            most t ms if given                -> ran, snapshot
                                            (+ "history_since": an earlier snapshot's
                                            history_cursor: only the new loss points;
                                            "sharing": the step requests the server held
                                            as this one began, itself included)
    POST /api/session/<id>/weight {"layer", "neuron", "input", "value"}  edit a weight or bias
    GET  /api/session/<id>/map?layer=l&neuron=j   one neuron's map at the output's resolution
    GET  /api/session/<id>/inbox?since=n    the teacher's latest pushed set-up (--classroom)
    POST /api/session/<id>/reset            back to the initial weights      -> snapshot
    POST /api/session/<id>/close            end the session (a closing tab)
    GET  /api/session/<id>/graph?sample=i&part=train        one sample's graph (SVG in JSON;
                                            &view=model: viz's graph model for the viewer)
    GET  /api/session/<id>/stepper?sample=i&layer=l&neuron=j  one neuron's backprop stepper
    GET  /api/session/<id>/neuron?sample=i&part=train[&layer=l&neuron=j[&keep=1]]  the neuron to
                                            step through: one that passes a gradient back on
                                            the sample (l, j kept if it does, or with keep)
                                            -> layer, neuron, active, live[, note]
    GET  /api/session/<id>/export.py        the Python snippet (a download)
    GET  /api/session/<id>/export.npz       the state file (a download)
    GET  /api/session/<id>/export.safetensors  the weights and architecture (nn.load_model, torch)
    GET  /api/session/<id>/export.torch.py  PyTorch code loading the .safetensors download
    GET  /api/session/<id>/export.onnx      the model as ONNX (501 naming the extra without onnx)
    POST /api/upload                        a CSV file as the body              -> its id
                                            (X-Coordinates: view for drawn points)

With ``--classroom``, ``classroom.py`` adds the teacher's endpoints. ``/api/meta`` also carries
the palette (``viz.palette.as_dict()``: the page takes every colour from it) and the address
students reach the server at.
``Request`` is what the server read; every handler returns a ``Response`` or raises a
``PlaygroundError`` (4xx). JSON bodies must be objects, at most ``MAX_JSON`` bytes, with finite
numbers only.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from chainrule.viz import palette

from . import config as C
from . import export, inspect_graph
from .classroom import Classroom
from .data import VIEW
from .errors import BadRequest, MethodNotAllowed, NotFound, TooLarge
from .features import FEATURES
from .pictures import GRID, neuron_map
from .session import Session, SessionStore, whole
from .trainer import MAX_STEPS_PER_CALL, PACE
from .uploads import MAX_CSV_BYTES, UploadStore, parse_csv

MAX_JSON = 64 * 1024


class StepQueue:
    """How many step requests are in the server at once: a request's training budget is split
    between them, so that a classroom's thirty playing tabs each get a turn in every frame
    (one batch at least) instead of queueing behind thirty full budgets."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.waiting = 0

    def __enter__(self) -> int:
        with self._lock:
            self.waiting += 1
            return self.waiting

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.waiting -= 1


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(payload, separators=(",", ":")).encode())


MAX_INT_DIGITS = 30


def _no_constants(name: str) -> Any:
    raise BadRequest(f"the request holds {name}, which is not a number the playground accepts")


def _small_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BadRequest(f"the request holds a {len(text):,}-digit whole number; the playground "
                         f"takes at most {MAX_INT_DIGITS} digits")
    return int(text)


def read_json(req: Request) -> dict:
    """The request body as a JSON object ({} for an empty body)."""
    if not req.body.strip():
        return {}
    kind = req.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise BadRequest(f"send JSON with Content-Type: application/json, not {kind or 'none'!r}")
    if len(req.body) > MAX_JSON:
        raise TooLarge(f"the JSON body is {len(req.body):,} bytes; the limit is {MAX_JSON:,}")
    try:
        payload = json.loads(req.body.decode("utf-8"), parse_constant=_no_constants,
                             parse_int=_small_int)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadRequest(f"the request body is not valid JSON: {e}") from None
    except RecursionError:
        raise BadRequest("the request's JSON is nested too deeply") from None
    if not isinstance(payload, dict):
        raise BadRequest(f"the request body must be a JSON object, not {type(payload).__name__}")
    return payload


def int_param(req: Request, key: str, default: int | None = None) -> int:
    raw = req.query.get(key)
    if raw is None:
        if default is None:
            raise BadRequest(f"missing parameter {key}=<whole number>")
        return default
    if not re.fullmatch(r"\d{1,9}", raw):
        raise BadRequest(f"parameter {key} must be a whole number >= 0, not {raw[:20]!r}")
    return int(raw)


class Api:
    """The endpoints over one ``SessionStore`` and one ``UploadStore``."""

    def __init__(self, classroom: Classroom | None = None) -> None:
        self.uploads = UploadStore()
        self.sessions = SessionStore(self.uploads)
        self.classroom = classroom
        self.steps = StepQueue()
        self.share_base: str | None = None  # set by a server reachable from other machines
        self.routes: list[tuple[str, re.Pattern, Callable[..., Response]]] = [
            ("GET", re.compile(r"/api/meta"), self.meta),
            ("POST", re.compile(r"/api/session"), self.create),
            ("POST", re.compile(r"/api/upload"), self.upload),
            ("GET", re.compile(r"/api/session/(\w+)"), self.state),
            ("POST", re.compile(r"/api/session/(\w+)/config"), self.configure),
            ("POST", re.compile(r"/api/session/(\w+)/step"), self.step),
            ("POST", re.compile(r"/api/session/(\w+)/reset"), self.reset),
            ("POST", re.compile(r"/api/session/(\w+)/close"), self.close),
            ("GET", re.compile(r"/api/session/(\w+)/graph"), self.graph),
            ("GET", re.compile(r"/api/session/(\w+)/stepper"), self.stepper),
            ("GET", re.compile(r"/api/session/(\w+)/neuron"), self.sample_neuron),
            ("GET", re.compile(r"/api/session/(\w+)/export\.py"), self.export_py),
            ("GET", re.compile(r"/api/session/(\w+)/export\.npz"), self.export_npz),
            ("GET", re.compile(r"/api/session/(\w+)/export\.(?:safetensors|torch\.py|onnx)"),
             self.export_file),
            ("POST", re.compile(r"/api/session/(\w+)/weight"), self.weight),
            ("GET", re.compile(r"/api/session/(\w+)/map"), self.neuron_map),
            ("GET", re.compile(r"/api/session/(\w+)/inbox"), self.inbox),
            ("GET", re.compile(r"/api/teacher/sessions"), self.teacher_sessions),
            ("POST", re.compile(r"/api/teacher/push"), self.teacher_push),
        ]

    def handle(self, req: Request) -> Response:
        """Route a request; raises NotFound / MethodNotAllowed / BadRequest as needed."""
        allowed = []
        for method, pattern, fn in self.routes:
            m = pattern.fullmatch(req.path)
            if m is None:
                continue
            if method != req.method:
                allowed.append(method)
                continue
            if fn in (self.teacher_sessions, self.inbox):  # no session lock to wait for
                return fn(req) if not m.groups() else fn(req, self.sessions.get(m.group(1)))
            if not m.groups():
                return fn(req)
            session = self.sessions.get(m.group(1))
            if fn == self.step:
                with self.steps, session.lock:
                    return fn(req, session)
            with session.lock:
                return fn(req, session)
        if allowed:
            raise MethodNotAllowed(f"{req.path} takes {' or '.join(allowed)}, not {req.method}")
        raise NotFound(f"no such API endpoint: {req.path}")

    # --- sessions --------------------------------------------------------------------------

    def meta(self, req: Request) -> Response:
        payload = C.meta()
        payload["limits"]["csv_bytes"] = MAX_CSV_BYTES
        payload["limits"]["steps"] = MAX_STEPS_PER_CALL
        payload["features"] = [{"name": k, "label": v[0]} for k, v in FEATURES.items()]
        payload["available"] = inspect_graph.available()
        payload["exports"] = export.offered()  # the downloads, and why any cannot run here
        payload["palette"] = palette.as_dict()
        payload["markers"] = list(palette.MARKERS)  # class k's point shape: a cue besides colour
        payload["share_base"] = self.share_base
        payload["classroom"] = self.classroom is not None
        payload["view"] = VIEW
        payload["grid"] = GRID
        payload["pace"] = PACE
        return json_response(payload)

    def create(self, req: Request) -> Response:
        body = read_json(req)
        unknown = set(body) - {"query"}
        if unknown:
            raise BadRequest(f"unknown field(s) {sorted(unknown)}; send {{\"query\": \"...\"}}")
        config, given = C.from_query(body.get("query", ""))
        session = self.sessions.create(config, explicit_loss="loss" in given)
        return json_response({"setup": session.setup(), "snapshot": session.snapshot()}, 201)

    def state(self, req: Request, session: Session) -> Response:
        return json_response({"setup": session.setup(), "snapshot": session.snapshot()})

    def configure(self, req: Request, session: Session) -> Response:
        data_changed = session.configure(read_json(req))
        return json_response({"setup": session.setup(), "snapshot": session.snapshot(),
                              "data_changed": data_changed})

    def step(self, req: Request, session: Session) -> Response:
        body = read_json(req)
        unknown = set(body) - {"steps", "budget_ms", "history_since"}
        if unknown:
            raise BadRequest(f"unknown field(s) {sorted(unknown)}; send {{\"steps\": n}}")
        session.trainer.history_after(body.get("history_since"))  # a bad cursor: 400, untrained
        sharing = max(1, self.steps.waiting)
        budget = body.get("budget_ms")
        if isinstance(budget, (int, float)) and not isinstance(budget, bool) and budget >= 1:
            budget = max(1.0, budget / sharing)  # shared while others wait
        ran = session.step(body.get("steps", 1), budget)
        return json_response({"ran": ran, "sharing": sharing,
                              "snapshot": session.snapshot(body.get("history_since"))})

    def weight(self, req: Request, session: Session) -> Response:
        session.set_parameter(read_json(req))
        return json_response({"snapshot": session.snapshot()})

    def neuron_map(self, req: Request, session: Session) -> Response:
        sizes = session.trainer.sizes
        layer = whole(int_param(req, "layer"), "layer", len(sizes) - 2)
        neuron = whole(int_param(req, "neuron"), "neuron", sizes[layer + 1] - 1)
        return json_response(neuron_map(session.trainer, layer, neuron))

    def inbox(self, req: Request, session: Session) -> Response:
        push = self.classroom.inbox(int_param(req, "since", 0)) if self.classroom else None
        return json_response({"push": push})

    # --- the teacher's page (--classroom) ---------------------------------------------------

    def _teacher(self, req: Request) -> Classroom:
        if self.classroom is None:
            raise NotFound("this playground was not started with --classroom")
        self.classroom.check(req.headers.get("x-teacher-token"))
        return self.classroom

    def teacher_sessions(self, req: Request) -> Response:
        room = self._teacher(req)
        return json_response({"sessions": [s.summary() for s in self.sessions.all()],
                              "push": room.push})

    def teacher_push(self, req: Request) -> Response:
        room = self._teacher(req)
        body = read_json(req)
        if set(body) != {"query"}:
            raise BadRequest('send {"query": "data=...&layers=..."}: the set-up to offer')
        return json_response({"push": room.offer(body["query"])}, 201)

    def reset(self, req: Request, session: Session) -> Response:
        session.reset()
        return json_response({"snapshot": session.snapshot()})

    def close(self, req: Request, session: Session) -> Response:
        self.sessions.close(session.id)
        return Response(204, b"")

    # --- pictures and downloads ------------------------------------------------------------

    def graph(self, req: Request, session: Session) -> Response:
        sample, part = int_param(req, "sample", 0), req.query.get("part", "train")
        return json_response(inspect_graph.graph_svg(session.trainer, sample, part,
                                                     req.query.get("view", "svg")))

    def stepper(self, req: Request, session: Session) -> Response:
        html = inspect_graph.stepper_html(
            session.trainer, int_param(req, "sample", 0), int_param(req, "layer", 0),
            int_param(req, "neuron", 0), req.query.get("part", "train"))
        return Response(200, html.encode(), "text/html; charset=utf-8",
                        {"Content-Security-Policy": STEPPER_CSP})

    def sample_neuron(self, req: Request, session: Session) -> Response:
        given = "layer" in req.query or "neuron" in req.query
        layer = int_param(req, "layer", 0) if given else None
        neuron = int_param(req, "neuron", 0) if given else None
        keep = req.query.get("keep", "0")
        if keep not in ("0", "1"):
            raise BadRequest(f"keep must be 0 or 1, not {keep[:20]!r}")
        return json_response(inspect_graph.sample_neuron(
            session.trainer, int_param(req, "sample", 0), req.query.get("part", "train"),
            layer, neuron, keep == "1"))

    def export_py(self, req: Request, session: Session) -> Response:
        return self._download(session, "py")

    def export_npz(self, req: Request, session: Session) -> Response:
        return self._download(session, "npz")

    def export_file(self, req: Request, session: Session) -> Response:
        return self._download(session, req.path.split("/export.", 1)[1])

    def _download(self, session: Session, kind: str) -> Response:
        name, body, content_type = export.download(session.trainer, kind)
        return Response(200, body, content_type, _attachment(name))

    def upload(self, req: Request) -> Response:
        kind = req.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "text/csv":
            raise BadRequest(f"send the file with Content-Type: text/csv, not {kind or 'none'!r}")
        name = unquote(req.headers.get("x-filename", ""))
        coords = req.headers.get("x-coordinates", "").strip().lower()
        if coords not in ("", "view"):
            raise BadRequest(f"X-Coordinates may only be 'view' (drawn points), not {coords!r}")
        item = self.uploads.add(parse_csv(req.body, name, VIEW if coords == "view" else None))
        return json_response(item.summary(), 201)


# the stepper page is viz's self-contained HTML: inline script and style, nothing from outside
STEPPER_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "img-src data:; font-src data:")


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
