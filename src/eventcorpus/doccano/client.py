"""A small typed client for doccano 1.8's REST API, on httpx.

Token login (``/v1/auth/login/``), projects, span and relation types, examples, spans,
relations, members, the upload flow (filepond ``/v1/fp/process/`` then the import task)
and the download flow (export task, then the zip). Transient failures (connection
errors, 502/503/504) are retried with exponential back-off; every failure mode ends in a
coded error that says what to do. The password is sent once, to log in, and never kept.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from eventcorpus.errors import EventCorpusError

TRANSIENT_STATUS = frozenset({502, 503, 504})
RELATION_TASK = "RelationExtraction"  # doccano's import task for spans + relations
SEQUENCE_LABELING = "SequenceLabeling"


@dataclass(frozen=True)
class ImportError_:
    """One line doccano rejected: the uploaded file's name, the line number, doccano's message."""

    filename: str
    line: int
    message: str


class DoccanoClient:
    """One logged-in session against one doccano 1.8 server."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        task_timeout: float = 120.0,
        poll_interval: float = 0.3,
    ) -> None:
        self.url = url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.task_timeout = task_timeout
        self.poll_interval = poll_interval
        self.username: str | None = None
        self._http = httpx.Client(base_url=self.url, timeout=timeout, follow_redirects=False)

    # --- plumbing -------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> DoccanoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self, method: str, path: str, *, expect: tuple[int, ...] = (200, 201, 204), **kwargs: Any
    ) -> httpx.Response:
        """Send one request, retrying transient failures; E200 when the server stays away, E206 otherwise."""
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self._http.request(method, path, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached the server: safe to resend
                last = f"{type(exc).__name__}: {exc}"
                continue
            except (httpx.ReadTimeout, httpx.RemoteProtocolError) as exc:  # may have run: resend reads only
                last = f"{type(exc).__name__}: {exc}"
                if method in ("GET", "HEAD"):
                    continue
                raise EventCorpusError("E200", f"{method} {self.url}{path} got no answer: {last}") from exc
            except httpx.HTTPError as exc:
                raise EventCorpusError("E200", f"{method} {self.url}{path}: {exc}") from exc
            if response.status_code in TRANSIENT_STATUS:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code not in expect:
                raise self._failure(method, path, response)
            return response
        raise EventCorpusError(
            "E200", f"cannot reach doccano at {self.url} ({method} {path}, {self.retries + 1} tries): {last}"
        )

    def _failure(self, method: str, path: str, response: httpx.Response) -> EventCorpusError:
        body = response.text[:300].replace("\n", " ")
        if response.status_code in (401, 403):
            who = self.username or "the client"
            return EventCorpusError(
                "E206",
                f"{method} {path}: HTTP {response.status_code} {body}",
                fix=f"Log in as a project admin: {who} lacks the right to do this (or the login expired).",
            )
        return EventCorpusError("E206", f"{method} {path}: HTTP {response.status_code} {body}")

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise EventCorpusError(
                "E205", f"{method} {path} answered {response.headers.get('content-type')!r}, not JSON"
            ) from exc

    def paged(self, path: str, params: dict[str, Any] | None = None, page_size: int = 500) -> Iterator[dict[str, Any]]:
        """Iterate a limit/offset-paginated list (or a plain list)."""
        offset = 0
        while True:
            data = self.json("GET", path, params={**(params or {}), "limit": page_size, "offset": offset})
            if isinstance(data, list):
                yield from data
                return
            if not isinstance(data, dict) or "results" not in data:
                raise EventCorpusError("E205", f"GET {path} did not answer a paginated list")
            yield from data["results"]
            offset += len(data["results"])
            if not data.get("next") or not data["results"]:
                return

    # --- server and session ---------------------------------------------------------
    def health(self) -> tuple[int, dict[str, Any]]:
        """``/v1/health/``: status code and the check results (500 when a check fails)."""
        response = self.request("GET", "/v1/health/", params={"format": "json"}, expect=(200, 404, 500))
        if response.status_code == 404:
            raise EventCorpusError(
                "E205", f"{self.url} has no /v1/health/ endpoint: not doccano 1.8 (or not doccano at all)"
            )
        try:
            checks = response.json()
        except ValueError as exc:
            raise EventCorpusError("E205", f"{self.url}/v1/health/ did not answer JSON: not doccano 1.8") from exc
        if not isinstance(checks, dict) or not any("Celery" in key for key in checks):
            raise EventCorpusError("E205", f"{self.url}/v1/health/ answered {str(checks)[:200]}: not doccano 1.8")
        return response.status_code, checks

    def check_worker(self) -> None:
        """E203 when doccano's health check says its celery task worker does not answer."""
        _, checks = self.health()
        for key, value in checks.items():
            if "Celery" in key and value != "OK":
                raise EventCorpusError("E203", f"doccano at {self.url} reports its task worker as {value!r}")

    def login(self, username: str, password: str) -> None:
        """Token login; E201 on wrong credentials, E205 when the server does not speak doccano 1.8."""
        response = self.request(
            "POST",
            "/v1/auth/login/",
            json={"username": username, "password": password},
            expect=(200, 400, 401, 403, 404),
        )
        if response.status_code == 404:
            raise EventCorpusError("E205", f"{self.url} has no /v1/auth/login/ endpoint: not doccano 1.8")
        if response.status_code != 200:
            raise EventCorpusError(
                "E201", f"doccano at {self.url} refused the login of user {username!r} (HTTP {response.status_code})"
            )
        key = response.json().get("key") if "json" in response.headers.get("content-type", "") else None
        if not isinstance(key, str):
            raise EventCorpusError("E205", "the login answer holds no token: not doccano 1.8")
        # The login also set a session cookie; session auth would then demand CSRF tokens. Use the token only.
        self._http.cookies.clear()
        self._http.headers["Authorization"] = f"Token {key}"
        self.username = username

    def me(self) -> dict[str, Any]:
        data = self.json("GET", "/v1/me")
        if not isinstance(data, dict) or "username" not in data:
            raise EventCorpusError("E205", "/v1/me did not answer a user: not doccano 1.8")
        return data

    # --- projects and label types ---------------------------------------------------
    def projects(self) -> list[dict[str, Any]]:
        return list(self.paged("/v1/projects"))

    def find_project(self, name: str) -> dict[str, Any] | None:
        matches = [p for p in self.projects() if p.get("name") == name]
        return matches[0] if matches else None

    def project(self, name: str) -> dict[str, Any]:
        """The project called ``name``; E202 when there is none (or the user is not a member)."""
        found = self.find_project(name)
        if found is None:
            raise EventCorpusError("E202", f"no project {name!r} on {self.url} visible to user {self.username!r}")
        if found.get("project_type") != SEQUENCE_LABELING or "grapheme_mode" not in found:
            raise EventCorpusError(
                "E206",
                f"project {name!r} is a {found.get('project_type')} project",
                fix="Use a sequence labelling project (created by `eventcorpus doccano push`).",
            )
        return found

    def create_project(
        self, name: str, *, guideline: str, collaborative: bool, grapheme_mode: bool, description: str
    ) -> dict[str, Any]:
        payload = {
            "name": name,
            "description": description or name,  # doccano refuses a blank description
            "guideline": guideline,
            "project_type": SEQUENCE_LABELING,
            "resourcetype": "SequenceLabelingProject",
            "random_order": False,
            "collaborative_annotation": collaborative,
            "allow_overlapping": True,
            "grapheme_mode": grapheme_mode,
            "use_relation": True,
            "tags": [],
        }
        return dict(self.json("POST", "/v1/projects", json=payload))

    def update_project(self, project_id: int, **fields: Any) -> dict[str, Any]:
        fields.setdefault("resourcetype", "SequenceLabelingProject")
        return dict(self.json("PATCH", f"/v1/projects/{project_id}", json=fields))

    def span_types(self, project_id: int) -> list[dict[str, Any]]:
        return list(self.paged(f"/v1/projects/{project_id}/span-types"))

    def relation_types(self, project_id: int) -> list[dict[str, Any]]:
        return list(self.paged(f"/v1/projects/{project_id}/relation-types"))

    def create_span_type(self, project_id: int, text: str, *, color: str, key: str | None) -> dict[str, Any]:
        payload = {"text": text, "background_color": color, "text_color": "#000000", "suffix_key": key}
        return dict(self.json("POST", f"/v1/projects/{project_id}/span-types", json=payload))

    def create_relation_type(self, project_id: int, text: str, *, color: str) -> dict[str, Any]:
        payload = {"text": text, "background_color": color, "text_color": "#ffffff"}
        return dict(self.json("POST", f"/v1/projects/{project_id}/relation-types", json=payload))

    # --- users and members ----------------------------------------------------------
    def users(self) -> list[dict[str, Any]]:
        return list(self.paged("/v1/users"))

    def create_user(self, username: str, password: str, email: str | None = None) -> dict[str, Any]:
        """Create a user (needs a staff login); doccano requires an e-mail address."""
        email = email or f"{username}@example.org"
        payload = {"username": username, "password1": password, "password2": password, "email": email}
        return dict(self.json("POST", "/v1/users/create", json=payload))

    def roles(self) -> dict[str, int]:
        return {r["name"]: int(r["id"]) for r in self.paged("/v1/roles")}

    def members(self, project_id: int) -> list[dict[str, Any]]:
        return list(self.paged(f"/v1/projects/{project_id}/members"))

    def add_member(self, project_id: int, user_id: int, role: str = "annotator") -> dict[str, Any]:
        payload = {"user": user_id, "role": self.roles()[role]}
        return dict(self.json("POST", f"/v1/projects/{project_id}/members", json=payload))

    # --- examples and labels --------------------------------------------------------
    def examples(self, project_id: int) -> Iterator[dict[str, Any]]:
        return self.paged(f"/v1/projects/{project_id}/examples")

    def update_example(self, project_id: int, example_id: int, **fields: Any) -> dict[str, Any]:
        return dict(self.json("PATCH", f"/v1/projects/{project_id}/examples/{example_id}", json=fields))

    def spans(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        return list(self.paged(f"/v1/projects/{project_id}/examples/{example_id}/spans"))

    def relations(self, project_id: int, example_id: int) -> list[dict[str, Any]]:
        return list(self.paged(f"/v1/projects/{project_id}/examples/{example_id}/relations"))

    def create_span(self, project_id: int, example_id: int, label_id: int, start: int, end: int) -> dict[str, Any]:
        payload = {"label": label_id, "start_offset": start, "end_offset": end}
        return dict(self.json("POST", f"/v1/projects/{project_id}/examples/{example_id}/spans", json=payload))

    def create_relation(
        self, project_id: int, example_id: int, type_id: int, from_id: int, to_id: int
    ) -> dict[str, Any]:
        payload = {"type": type_id, "from_id": from_id, "to_id": to_id}
        return dict(self.json("POST", f"/v1/projects/{project_id}/examples/{example_id}/relations", json=payload))

    def confirm(self, project_id: int, example_id: int) -> None:
        """Mark an example done for the logged-in user (toggles doccano's 'confirmed' state)."""
        self.request("POST", f"/v1/projects/{project_id}/examples/{example_id}/states", json={})

    # --- tasks, upload, download ----------------------------------------------------
    def wait_task(self, task_id: str, what: str) -> Any:
        """Poll a celery task until it is ready; E203 when it never starts, E207 when it failed."""
        started = time.monotonic()
        while True:
            status = self.json("GET", f"/v1/tasks/status/{task_id}")
            if not isinstance(status, dict) or "ready" not in status:
                raise EventCorpusError("E205", f"task status answer {str(status)[:200]} is not doccano 1.8's")
            if status["ready"]:
                if status.get("error"):
                    raise EventCorpusError("E207", f"{what}: {status['error']}")
                return status.get("result")
            if time.monotonic() - started > self.task_timeout:
                raise EventCorpusError(
                    "E203",
                    f"{what}: task {task_id} still pending after {self.task_timeout:.0f} s; "
                    "no task worker picked it up (or it is stuck retrying)",
                )
            time.sleep(self.poll_interval)

    def upload_jsonl(self, project_id: int, data: bytes, filename: str) -> list[ImportError_]:
        """Upload JSON Lines through filepond and run doccano's import; return the lines it rejected."""
        response = self.request(
            "POST", "/v1/fp/process/", files={"filepond": (filename, data, "application/octet-stream")}
        )
        upload_id = response.text.strip()
        payload = {
            "uploadIds": [upload_id],
            "format": "JSONL",
            "task": RELATION_TASK,
            "column_data": "text",
            "column_label": "label",
            "encoding": "utf_8",  # no guessing: the file is UTF-8 (and ASCII-escaped besides)
        }
        started = self.json("POST", f"/v1/projects/{project_id}/upload", json=payload)
        result = self.wait_task(str(started["task_id"]), f"import of {filename}")
        errors = (result or {}).get("error") or []
        return [
            ImportError_(str(e.get("filename", filename)), int(e.get("line", -1)), str(e.get("message")))
            for e in errors
        ]

    def export_zip(self, project_id: int, *, confirmed_only: bool = False) -> bytes:
        """Run doccano's JSONL export and return the zip (one ``<user>.jsonl`` per member, or ``all.jsonl``)."""
        payload = {"format": "JSONL", "exportApproved": confirmed_only}
        started = self.json("POST", f"/v1/projects/{project_id}/download", json=payload)
        task_id = str(started["task_id"])
        self.wait_task(task_id, "export")
        response = self.request("GET", f"/v1/projects/{project_id}/download", params={"taskId": task_id})
        if not response.content.startswith(b"PK"):
            raise EventCorpusError("E205", f"the export download is not a zip ({response.content[:80]!r})")
        return response.content
