"""A client that speaks Streamlit's own protocol, as the browser does, without a browser.

The browser opens a websocket on /_stcore/stream (subprotocol "streamlit"), sends a
BackMsg.rerun_script carrying a ClientState (query string, widget states, page, browser
context) and receives ForwardMsgs: new_session at the start of every script run, one
delta per element, navigation (the pages), page_info_changed (the query string the
script set) and script_finished at the end. A callback or st.rerun() ends a run with
FINISHED_EARLY_FOR_RERUN and starts the next one; the click is answered when a run ends
any other way. Widget ids come from the elements' protos (text_input.id, button.id...);
a form's values travel with its submit button's trigger, exactly as the browser sends
them; a widget whose value the script set (set_value) takes the server's value.

A download button whose file is made on the click (`data=` a function) carries only a
deferred_file_id: the click sends a backend_operation_request with it, the server makes
the file in a thread and answers with a backend_operation_response holding its URL, and
the browser fetches that URL over HTTP (`Session.download`).

A widget inside a fragment (st.fragment: its deltas carry the fragment's id) reruns only
that fragment, as in the browser: the request names the fragment, the run's new_session
lists the fragments it reruns (metadata.run.fragment_ids), and only their elements are
replaced; the rest of the page stays as it was.

The websocket itself needs no XSRF token: the token only unlocks Streamlit's own auth
cookie, which this app does not use. Every wait is bounded by `timeout`.
"""

import asyncio
import contextlib
import time
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

DEFAULT_TIMEOUT_S = 60.0
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # a big page (a dataframe, a chart spec) fits
CONNECT_TIMEOUT_S = 30.0
DONE = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile_error",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "ok",
}
TIMEZONE = "Europe/Copenhagen"
TIMEZONE_OFFSET_MIN = -60  # as the browser's Date.getTimezoneOffset() says it in winter
LOCALE = "da-DK"


class ProtocolError(Exception):
    """The server closed the connection, answered too late or the run failed."""


@dataclass(frozen=True)
class Page:
    script_hash: str
    name: str  # the title in the menu
    url_path: str  # "" for the user's default page
    is_default: bool = False


@dataclass
class Run:
    """One answered request: every script run until the last one ended."""

    seconds: float
    status: str  # "ok" | "compile_error"
    runs: int  # script runs it took (a callback's st.rerun() makes two)
    elements: list[tuple[tuple[int, ...], Element]]
    exceptions: list[str]
    page_not_found: bool = False
    drawn: int = 0  # elements sent in it (a fragment's rerun sends only the fragment's)
    file: bytes = b""  # what a download gave (Session.download)

    @property
    def ok(self) -> bool:
        return self.status == "ok" and not self.exceptions and not self.page_not_found


@dataclass
class _Pending:
    future: asyncio.Future
    started: float
    runs: int = 0
    drawn: int = 0  # elements the server sent


def widget_of(element: Element):
    """The widget proto inside an element (text_input, button...), or None."""
    kind = element.WhichOneof("type")
    if kind is None:
        return None
    proto = getattr(element, kind)
    return proto if "id" in proto.DESCRIPTOR.fields_by_name and proto.id else None


def element_text(element: Element) -> str:
    """The readable text of a text-like element (headings, markdown, alerts...)."""
    kind = element.WhichOneof("type")
    proto = getattr(element, kind) if kind else None
    for name in ("body", "label"):
        if proto is not None and name in proto.DESCRIPTOR.fields_by_name:
            return getattr(proto, name)
    return ""


@dataclass
class Session:
    """One browser tab: a websocket and the widget values that tab holds."""

    base_url: str  # http://127.0.0.1:PORT
    timeout: float = DEFAULT_TIMEOUT_S
    query_string: str = ""
    page_hash: str = ""
    pages: list[Page] = field(default_factory=list)
    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    bytes_received: int = 0
    fragment_of: dict[tuple[int, ...], str] = field(default_factory=dict)  # path -> fragment
    session_id: str = ""  # the server's id of this tab, which a download must name
    _values: dict[str, WidgetState] = field(default_factory=dict)
    _socket: object = None
    _reader: asyncio.Task | None = None
    _pending: _Pending | None = None
    _operations: dict[str, asyncio.Future] = field(default_factory=dict)  # by request id
    _exceptions: list[str] = field(default_factory=list)
    _page_not_found: bool = False
    _closed_reason: str = ""

    # --- connection ----------------------------------------------------------------

    async def connect(self) -> "Session":
        parts = urlsplit(self.base_url)
        url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self._socket = await asyncio.wait_for(
            websockets.connect(
                url,
                subprotocols=["streamlit"],
                max_size=MAX_MESSAGE_BYTES,
                open_timeout=CONNECT_TIMEOUT_S,
                ping_interval=None,  # the server pings; the library answers by itself
            ),
            CONNECT_TIMEOUT_S,
        )
        self._reader = asyncio.create_task(self._read(), name="streamlit-session-reader")
        return self

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):  # closing anyway
                await self._reader
        self._socket = None
        self._reader = None

    async def __aenter__(self) -> "Session":
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- what the browser sends ----------------------------------------------------------

    async def open(self, page: str = "", query_string: str | None = None) -> Run:
        """Load a URL path as the address bar does (page "" is the app's default page)."""
        if query_string is not None:
            self.query_string = query_string
        known = self.page(page) if page else None
        if known is not None:
            return await self._rerun(page_hash=known.script_hash, page_name="")
        return await self._rerun(page_hash="", page_name=page)

    async def go(self, page: str, title: str = "", query_string: str = "") -> Run:
        """Click a page in the sidebar (or a link to it with `query_string`)."""
        target = self.page(page, title)
        if target is None:
            raise ProtocolError(f"no page {page!r} in this user's navigation")
        self.query_string = query_string
        self._values.clear()  # the widgets of the old page are gone
        return await self._rerun(page_hash=target.script_hash, page_name="")

    async def rerun(self) -> Run:
        """A rerun with the current widget values (what a widget change looks like)."""
        return await self._rerun(page_hash=self.page_hash, page_name="")

    async def set_values(self, values: dict[str, WidgetState], triggers: Iterable[str] = ()):
        """Change widgets (and click buttons: `triggers` are widget ids), then rerun: only
        their fragment when they all sit in the same one, as the browser does."""
        for widget_id, state in values.items():
            state.id = widget_id
            self._values[widget_id] = state
        once = []
        for widget_id in triggers:
            state = WidgetState(id=widget_id)
            state.trigger_value = True
            once.append(state)
        fragments = {self._fragment_of_widget(w) for w in [*values, *triggers]}
        fragment = fragments.pop() if len(fragments) == 1 else ""
        return await self._rerun(
            page_hash=self.page_hash, page_name="", once=once, fragment=fragment
        )

    async def download(self, button) -> Run:
        """Click a download button whose file is made on the click, as the browser does:
        ask the server for the file, then fetch it. Timed from the click to its last
        byte; no script runs. A file the server could not make is the Run's exception."""
        if self._socket is None:
            raise ProtocolError("not connected")
        if not button.HasField("deferred_file_id"):
            raise ProtocolError(f"{button.label!r} holds its file already: nothing to make")
        message = BackMsg()
        request = message.backend_operation_request
        request.request_id = uuid.uuid4().hex
        request.session_id = self.session_id
        request.deferred_file.file_id = button.deferred_file_id
        answer = asyncio.get_running_loop().create_future()
        self._operations[request.request_id] = answer
        started, body = time.perf_counter(), b""
        try:
            await self._socket.send(message.SerializeToString())
            response = await asyncio.wait_for(answer, self.timeout)
            if not response.error_msg:
                url = urljoin(self.base_url + "/", response.deferred_file.url.lstrip("/"))
                body = await asyncio.to_thread(_fetch, url, self.timeout)
        except TimeoutError:
            raise ProtocolError(f"no answer within {self.timeout:.0f} s") from None
        except websockets.ConnectionClosed as exc:
            raise ProtocolError(f"connection closed: {exc}") from None
        finally:
            self._operations.pop(request.request_id, None)
        failed = [response.error_msg] if response.error_msg else []
        return Run(
            seconds=time.perf_counter() - started,
            status="ok",
            runs=0,
            elements=sorted(self.elements.items()),
            exceptions=failed,
            file=body,
        )

    # --- reading the page ------------------------------------------------------------------

    def page(self, url_path: str, title: str = "") -> Page | None:
        """A page of the navigation by URL path, or by its menu title (the default page
        has no URL path of its own)."""
        for page in self.pages:
            if (url_path and page.url_path == url_path) or (title and page.name == title):
                return page
        return None

    def current_page(self) -> Page | None:
        return next((p for p in self.pages if p.script_hash == self.page_hash), None)

    def widgets(self, kind: str, label: str | None = None) -> list:
        """Widget protos of `kind` (e.g. "text_input") in page order, by label if given."""
        found = []
        for _, element in sorted(self.elements.items()):
            if element.WhichOneof("type") != kind:
                continue
            proto = getattr(element, kind)
            if label is None or proto.label == label:
                found.append(proto)
        return found

    def widget(self, kind: str, label: str, nth: int = 0):
        found = self.widgets(kind, label)
        if len(found) <= nth:
            raise ProtocolError(f"no {kind} labelled {label!r} (#{nth}) on the page")
        return found[nth]

    def checked(self, box) -> bool:
        """A checkbox's or toggle's value in this tab: what was last sent for it, else the
        server's (a value the script set, or the widget's default)."""
        sent = self._values.get(box.id)
        if sent is not None:
            return sent.bool_value
        return box.value if box.set_value else box.default

    def texts(self) -> list[str]:
        return [element_text(e) for _, e in sorted(self.elements.items())]

    # --- protocol ------------------------------------------------------------------------

    def _context(self) -> object:
        message = BackMsg()
        context = message.rerun_script.context_info
        context.timezone = TIMEZONE
        context.timezone_offset = TIMEZONE_OFFSET_MIN
        context.locale = LOCALE
        page = self.current_page()
        path = page.url_path if page else ""
        query = f"?{self.query_string}" if self.query_string else ""
        context.url = f"{self.base_url}/{path}{query}"
        context.is_embedded = False
        context.color_scheme = "light"
        return message

    def _fragment_of_widget(self, widget_id: str) -> str:
        for path, element in self.elements.items():
            widget = widget_of(element)
            if widget is not None and widget.id == widget_id:
                return self.fragment_of.get(path, "")
        return ""

    async def _rerun(
        self, page_hash: str, page_name: str, once: list | None = None, fragment: str = ""
    ) -> Run:
        if self._socket is None:
            raise ProtocolError("not connected")
        if self._pending is not None:
            raise ProtocolError("one request at a time")
        message = self._context()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = page_hash
        state.page_name = page_name
        state.fragment_id = fragment
        state.widget_states.widgets.extend([*self._values.values(), *(once or [])])
        loop = asyncio.get_running_loop()
        self._pending = _Pending(loop.create_future(), time.perf_counter())
        self._exceptions = []
        self._page_not_found = False
        try:
            await self._socket.send(message.SerializeToString())
            return await asyncio.wait_for(asyncio.shield(self._pending.future), self.timeout)
        except TimeoutError:
            raise ProtocolError(f"no answer within {self.timeout:.0f} s") from None
        except websockets.ConnectionClosed as exc:
            raise ProtocolError(f"connection closed: {exc}") from None
        finally:
            self._pending = None

    async def _read(self) -> None:
        try:
            async for raw in self._socket:
                self.bytes_received += len(raw)
                message = ForwardMsg()
                message.ParseFromString(raw)
                self._handle(message)
        except websockets.ConnectionClosed as exc:
            self._closed_reason = str(exc)
        finally:
            reason = self._closed_reason or "reader stopped"
            waiting = [op for op in self._operations.values() if not op.done()]
            if self._pending is not None and not self._pending.future.done():
                waiting.append(self._pending.future)
            for future in waiting:
                future.set_exception(ProtocolError(f"connection closed: {reason}"))

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            rerunning = set(message.metadata.run.fragment_ids)
            if rerunning:  # only these fragments' elements are drawn again
                for path in [p for p, f in self.fragment_of.items() if f in rerunning]:
                    self.elements.pop(path, None)
                    del self.fragment_of[path]
            else:
                self.elements.clear()
                self.fragment_of.clear()
            self.page_hash = message.new_session.page_script_hash
            if message.new_session.HasField("initialize"):
                self.session_id = message.new_session.initialize.session_id
            if self._pending is not None:
                self._pending.runs += 1
        elif kind == "delta":
            self._delta(message)
        elif kind == "navigation":
            self.pages = [
                Page(p.page_script_hash, p.page_name, p.url_pathname, p.is_default)
                for p in message.navigation.app_pages
            ]
            if message.navigation.page_script_hash:
                self.page_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "page_not_found":
            self._page_not_found = True
        elif kind == "session_event":
            event = message.session_event
            if event.WhichOneof("type") == "script_compilation_exception":
                self._exceptions.append(event.script_compilation_exception.message)
        elif kind == "script_finished":
            self._finished(message.script_finished)
        elif kind == "backend_operation_response":
            response = message.backend_operation_response
            answer = self._operations.get(response.request_id)
            if answer is not None and not answer.done():
                answer.set_result(response)

    def _delta(self, message: ForwardMsg) -> None:
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        path = tuple(message.metadata.delta_path)
        self.elements[path] = element
        if self._pending is not None:
            self._pending.drawn += 1
        if delta.fragment_id:
            self.fragment_of[path] = delta.fragment_id
        else:
            self.fragment_of.pop(path, None)
        if element.WhichOneof("type") == "exception":
            self._exceptions.append(f"{element.exception.type}: {element.exception.message}")
        widget = widget_of(element)
        if widget is not None and getattr(widget, "set_value", False):
            self._values.pop(widget.id, None)  # the script set it: the server's value wins

    def _finished(self, status: int) -> None:
        pending = self._pending
        if pending is None or status not in DONE or pending.future.done():
            return  # a run ended early for a rerun: the next one follows
        present = {w.id for w in map(widget_of, self.elements.values()) if w is not None}
        for widget_id in [w for w in self._values if w not in present]:
            del self._values[widget_id]  # as the browser forgets unmounted widgets
        run = Run(
            seconds=time.perf_counter() - pending.started,
            status=DONE[status],
            runs=pending.runs,
            drawn=pending.drawn,
            elements=sorted(self.elements.items()),
            exceptions=list(self._exceptions),
            page_not_found=self._page_not_found,
        )
        pending.future.set_result(run)


def _fetch(url: str, timeout: float) -> bytes:
    """GET a file the server made (127.0.0.1 only: the benchmark's own servers)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310
            return answer.read()
    except OSError as exc:  # HTTPError and URLError are OSErrors
        raise ProtocolError(f"GET {url}: {exc}") from None


# --- values, as the browser encodes them ------------------------------------------------


def text(value: str) -> WidgetState:
    state = WidgetState()
    state.string_value = value
    return state


def flag(value: bool) -> WidgetState:
    state = WidgetState()
    state.bool_value = value
    return state


def number(value: float) -> WidgetState:
    state = WidgetState()
    state.double_value = value
    return state


def choice(*labels: str) -> WidgetState:
    """A segmented control's or pills' selection, by the options' shown labels."""
    state = WidgetState()
    state.string_array_value.data.extend(labels)
    return state


async def log_in(session: Session, username: str, password: str, labels: dict[str, str]) -> Run:
    """Fill the login form (labels: username, password, submit) and submit it."""
    if not session.widgets("text_input"):
        await session.open()
    user_box = session.widget("text_input", labels["username"])
    password_box = session.widget("text_input", labels["password"])
    submit = session.widget("button", labels["submit"])
    return await session.set_values(
        {user_box.id: text(username), password_box.id: text(password)}, triggers=[submit.id]
    )
