"""The ASGI application: LanguageTool's ``/v2`` API, the native ``/api``, the editor page.

``create_app(settings)`` builds it; the ``Proofreader`` is loaded once per worker process at
start-up (or given, in tests). Request text is never logged: errors are logged by type only.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hmac
import io
import logging
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..finding import Finding, Severity
from ..output import CheckedDocument
from ..pipeline import Proofreader
from ..readers import READERS, UNSUPPORTED, document_text
from ..readers.word_docx import DOCX_SUFFIXES
from ..text.extract import InputError
from . import languagetool as lt
from .batching import Batcher
from .settings import ServeSettings

log = logging.getLogger("proofread.serve")
STATIC = Path(__file__).parent / "static"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UPLOAD_SUFFIXES = tuple(sorted(s for s in READERS if s and s != ".text"))

# Every response: nothing inline, nothing from elsewhere (the page's own script and style only).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Problem(Exception):
    """A request that gets ``status`` and one line naming what is wrong."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class CheckOptions(BaseModel):
    """What to report (the checking itself is the server's pipeline)."""

    model_config = ConfigDict(extra="forbid")
    min_severity: Literal["info", "warning", "error"] = "info"
    enabled_rules: list[str] = Field(default_factory=list)
    disabled_rules: list[str] = Field(default_factory=list)
    enabled_categories: list[str] = Field(default_factory=list)
    disabled_categories: list[str] = Field(default_factory=list)
    enabled_only: bool = Field(default=False, description="only the rules and categories named in enabled_*")

    def rule_filter(self) -> lt.RuleFilter:
        if self.enabled_only and not (self.enabled_rules or self.enabled_categories):
            raise Problem(400, "options.enabled_only needs enabled_rules or enabled_categories")
        return lt.RuleFilter(
            frozenset(self.enabled_rules),
            frozenset(self.disabled_rules),
            frozenset(c.lower() for c in self.enabled_categories),
            frozenset(c.lower() for c in self.disabled_categories),
            self.enabled_only,
            Severity.parse(self.min_severity),
        )


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    date: dt.date | None = Field(None, description="document date for date-aware rules (default: today)")
    id: str | int = Field(1, description="echoed as the record's id")
    options: CheckOptions = Field(default_factory=lambda: CheckOptions())


class FindingRecord(BaseModel):
    start: int
    end: int
    original: str
    suggestions: list[str]
    category: str
    severity: Literal["info", "warning", "error"]
    rule: str
    source: str
    confidence: float
    message: str


class CheckRecord(BaseModel):
    """The record ``proofread check --format jsonl`` writes for one document."""

    id: str | int
    text: str
    corrected: str
    findings: list[FindingRecord]


class Annotation(BaseModel):
    filename: str
    comments: int
    docx_base64: str


class FileRecord(CheckRecord):
    annotated: Annotation | None = Field(None, description="for a .docx: the copy with a Word comment per finding")


def create_app(settings: ServeSettings | None = None, proofreader: Proofreader | None = None) -> FastAPI:
    """The application; ``proofreader`` is built from ``settings`` at start-up unless given."""
    settings = settings or ServeSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loaded = proofreader
        if loaded is None:
            loaded = await asyncio.to_thread(settings.proofreader)
        app.state.batcher = Batcher(loaded, batching=settings.batching)
        yield
        app.state.batcher.close()

    app = FastAPI(
        title="proofread",
        version=__version__,
        description="Proofreading of Chinese official text: a LanguageTool-compatible API (`/v2`), "
        "the native API (`/api`) and an editor page (`/`).",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's docs pages load their scripts from a CDN; ours is served locally
        redoc_url=None,
    )
    app.state.settings = settings

    @app.middleware("http")
    async def guard(request: Request, call_next):
        started = time.perf_counter()
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
            response: Response = _error(request, 413, f"request body larger than {settings.max_body_bytes} bytes")
        else:
            try:
                response = await call_next(request)
            except Exception as e:  # never a traceback in a response, and no request text in the log
                log.error("%s %s failed: %s", request.method, request.url.path, type(e).__name__)
                response = _error(request, 500, f"internal error ({type(e).__name__})")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if settings.access_log:  # the path only: a query string can carry the text
            ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.0f ms", request.method, request.url.path, response.status_code, ms)
        return response

    @app.exception_handler(Problem)
    async def problem(request: Request, e: Problem) -> Response:
        return _error(request, e.status, e.message)

    @app.exception_handler(lt.RequestError)
    async def bad_parameter(request: Request, e: lt.RequestError) -> Response:
        return _error(request, 400, str(e))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "POST" and kind != "application/json":
            got = kind[:60] or "none"
            return _error(request, 400, f"expected a JSON body (Content-Type: application/json), got {got}")
        return _error(request, 400, _validation_line(e))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, e: StarletteHTTPException) -> Response:
        return _error(request, e.status_code, str(e.detail))

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/health", summary="Liveness, version and batching statistics")
    async def health(request: Request) -> dict:
        batcher: Batcher = request.app.state.batcher
        return {
            "status": "ok",
            "version": __version__,
            "api_key_required": bool(settings.api_key),
            "max_chars": settings.max_chars,
            "upload_suffixes": list(UPLOAD_SUFFIXES),
            "batches": batcher.batches,
            "documents": batcher.documents,
            "cached_sentences": len(batcher.cache),
        }

    @app.get("/v2/languages", summary="LanguageTool: the supported languages")
    async def languages(request: Request) -> list[dict]:
        _authorize(request, settings)
        return lt.LANGUAGES

    async def v2_check(request: Request) -> JSONResponse:
        params = await _lt_params(request)
        _authorize(request, settings, params.get("apiKey"))
        lt.check_language(params.get("language"))
        rules = lt.RuleFilter.from_params(params)
        if params.get("data") is not None:
            annotated = lt.parse_annotation(params["data"])
        elif params.get("text") is not None:
            annotated = lt.plain(params["text"])
        else:
            raise Problem(400, "Missing 'text' or 'data' parameter")
        _within_limit(annotated.plain, settings)
        findings = await _check(request, annotated.plain, None, settings)
        return JSONResponse(lt.response(annotated, rules.apply(findings)))

    v2_doc = (
        "Form-encoded as LanguageTool's clients send it: `text` or `data` (annotation JSON), `language` (zh-CN, "
        "zh or auto), `enabledRules`, `disabledRules`, `enabledCategories`, `disabledCategories`, `enabledOnly`, "
        "`level`. Offsets and lengths are UTF-16 code units. Errors are one plain-text line, as LanguageTool's."
    )
    app.add_api_route(
        "/v2/check",
        v2_check,
        methods=["POST"],
        summary="LanguageTool: check a text",
        description=v2_doc,
        openapi_extra={"requestBody": _form_schema()},
        operation_id="v2_check",
    )
    app.add_api_route(
        "/v2/check",
        v2_check,
        methods=["GET"],
        summary="LanguageTool: check a text (parameters in the query string)",
        description=v2_doc,
        operation_id="v2_check_get",
    )

    @app.post(
        "/api/check",
        summary="Check a text; the jsonl contract record out",
        response_model=CheckRecord,
        responses={400: {"description": "malformed JSON or options"}, 413: {"description": "text too long"}},
    )
    async def api_check(request: Request, body: CheckRequest) -> JSONResponse:
        _authorize(request, settings)
        rules = body.options.rule_filter()
        _within_limit(body.text, settings)
        findings = await _check(request, body.text, body.date, settings)
        return JSONResponse(CheckedDocument(body.id, body.text, rules.apply(findings)).to_dict())

    @app.post(
        "/api/check-file",
        summary="Check an uploaded .txt, .md, .html or .docx; a .docx comes back annotated too",
        description="Multipart form: `file`, optional `date` (YYYY-MM-DD) and `min_severity`. The JSON is the "
        "jsonl record (id = file name) plus `annotated` for a .docx (base64). With `?download=docx` the "
        "response is the annotated .docx itself.",
        response_model=FileRecord,
        openapi_extra={"requestBody": _upload_schema()},
    )
    async def api_check_file(request: Request, download: Literal["docx"] | None = None) -> Response:
        _authorize(request, settings)
        name, data, date, rules = await _upload(request, settings)
        suffix = Path(name).suffix.lower()
        if download and suffix not in DOCX_SUFFIXES:
            raise Problem(400, "download=docx needs a .docx upload")
        try:
            text = await asyncio.to_thread(document_text, data, name, suffix)
        except InputError as e:
            raise Problem(400, str(e)) from None
        if not text.strip():
            raise Problem(400, f"{name}: empty document, nothing to check")
        _within_limit(text, settings)
        findings = rules.apply(await _check(request, text, date, settings))
        record = CheckedDocument(name, text, findings).to_dict()
        if suffix not in DOCX_SUFFIXES:
            return JSONResponse(record | {"annotated": None})
        annotated, placed = await asyncio.to_thread(_annotate, data, name, findings)
        filename = f"{Path(name).stem}.proofread.docx"
        if download:
            disposition = f"attachment; filename=\"{_ascii_name(filename)}\"; filename*=UTF-8''{quote(filename)}"
            return Response(annotated, media_type=DOCX_TYPE, headers={"Content-Disposition": disposition})
        encoded = base64.b64encode(annotated).decode("ascii")
        return JSONResponse(record | {"annotated": {"filename": filename, "comments": placed, "docx_base64": encoded}})

    return app


def app_from_env() -> FastAPI:
    """The application of a worker process (``uvicorn --factory``), settings from the environment."""
    return create_app(ServeSettings.from_env())


async def _check(request: Request, text: str, date: dt.date | None, settings: ServeSettings) -> list[Finding]:
    batcher: Batcher = request.app.state.batcher
    try:
        return await asyncio.wait_for(batcher.check(text, date), settings.timeout)
    except asyncio.TimeoutError:
        raise Problem(503, f"checking took longer than the server's limit of {settings.timeout:g} s") from None


def _within_limit(text: str, settings: ServeSettings) -> None:
    if len(text) > settings.max_chars:
        raise Problem(
            413,
            f"Your text exceeds the limit of {settings.max_chars} characters (it's {len(text)} characters). "
            "Please submit a shorter text.",
        )


def _authorize(request: Request, settings: ServeSettings, param: str | None = None) -> None:
    if not settings.api_key:
        return
    header = request.headers.get("authorization", "")
    given = (
        request.headers.get("x-api-key")
        or (header[7:] if header.lower().startswith("bearer ") else None)
        or param
        or request.query_params.get("apiKey")
        or ""
    )
    if not hmac.compare_digest(given.encode(), settings.api_key.encode()):
        raise Problem(401, "missing or wrong API key (send X-API-Key, Authorization: Bearer, or apiKey)")


async def _lt_params(request: Request) -> dict[str, str]:
    """``/v2/check`` parameters: the query string, then a form-encoded (or multipart) body."""
    params = dict(request.query_params)
    if request.method != "POST":
        return params
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if kind == "multipart/form-data":
        try:
            form = await request.form()
        except Exception as e:
            raise Problem(400, f"malformed multipart form ({type(e).__name__})") from None
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    elif kind in ("application/x-www-form-urlencoded", "") and body:
        try:
            pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True, errors="strict")
        except UnicodeDecodeError:
            raise Problem(400, "malformed form: the body must be percent-encoded UTF-8") from None
        except ValueError:
            raise Problem(400, "malformed form: expected name=value pairs joined by &") from None
        params.update(pairs)
    elif body:
        raise Problem(400, f"expected a form (application/x-www-form-urlencoded), got {kind[:60]}")
    return params


async def _upload(request: Request, settings: ServeSettings) -> tuple[str, bytes, dt.date | None, lt.RuleFilter]:
    """The uploaded file's name and bytes, its date and what to report."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "multipart/form-data":
        raise Problem(400, "expected a multipart/form-data upload with a 'file' field")
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception as e:
        raise Problem(400, f"malformed multipart upload ({type(e).__name__})") from None
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise Problem(400, "the upload has no 'file' field with a file name")
    name = Path(upload.filename.replace("\\", "/")).name[:200]
    suffix = Path(name).suffix.lower()
    if suffix in UNSUPPORTED:
        raise Problem(400, f"{name}: {UNSUPPORTED[suffix]}")
    if suffix not in UPLOAD_SUFFIXES:
        raise Problem(400, f"{name}: unsupported file type; send {', '.join(UPLOAD_SUFFIXES)}")
    data = await upload.read()
    if len(data) > settings.max_upload_bytes:
        raise Problem(413, f"{name}: file larger than the limit of {settings.max_upload_mb:g} MB")
    date = _form_date(form.get("date"))
    severity = form.get("min_severity") or "info"
    try:
        rules = lt.RuleFilter(min_severity=Severity.parse(str(severity)))
    except ValueError as e:
        raise Problem(400, f"min_severity: {e}") from None
    return name, data, date, rules


def _form_date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Problem(400, "date: expected YYYY-MM-DD") from None


def _annotate(data: bytes, name: str, findings: list[Finding]) -> tuple[bytes, int]:
    from ..annotate import annotate_docx

    out = io.BytesIO()
    try:
        placed = annotate_docx(data, name, findings, out)
    except InputError as e:
        raise Problem(400, str(e)) from None
    return out.getvalue(), placed


def _ascii_name(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)


def _error(request: Request, status: int, message: str) -> Response:
    """LanguageTool's clients read ``Error: ...`` as plain text (as LanguageTool sends it); everything else JSON."""
    line = " ".join(message.split())[:300]
    if request.url.path.startswith("/v2/"):
        return PlainTextResponse(f"Error: {line}", status_code=status)
    return JSONResponse({"error": line}, status_code=status)


def _validation_line(e: RequestValidationError) -> str:
    errors = e.errors()
    if not errors:
        return "malformed request"
    first: Mapping[str, Any] = errors[0]
    if first.get("type") == "json_invalid":
        return "malformed JSON body"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    return f"{where}: {first.get('msg', 'invalid')}"


def _form_schema() -> dict:
    fields = ["text", "data", "language", "enabledRules", "disabledRules", "enabledCategories"]
    fields += ["disabledCategories", "enabledOnly", "level", "apiKey"]
    schema = {"type": "object", "properties": {f: {"type": "string"} for f in fields}, "required": ["language"]}
    return {"content": {"application/x-www-form-urlencoded": {"schema": schema}}}


def _upload_schema() -> dict:
    properties = {
        "file": {"type": "string", "format": "binary"},
        "date": {"type": "string", "format": "date"},
        "min_severity": {"type": "string", "enum": ["info", "warning", "error"]},
    }
    schema = {"type": "object", "properties": properties, "required": ["file"]}
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
