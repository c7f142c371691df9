"""The ``proofread serve`` subcommand: the HTTP server (LanguageTool's API, the native API, the editor page)."""

from __future__ import annotations

import argparse
import copy
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from ..checkers import with_threads
from ..config import ConfigError
from ..dictionaries import DictionaryError
from .common import EXIT_OK, UsageError
from .pipeline_args import add_pipeline_arguments, add_project_argument, load_project, project_config

if TYPE_CHECKING:
    from ..pipeline import Proofreader
    from ..serve.settings import ServeSettings

NAME = "serve"


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``serve`` on the CLI's subparsers."""
    from ..serve.settings import API_KEY_ENV

    serve = subparsers.add_parser(
        NAME, help="HTTP server: LanguageTool-compatible API (/v2), native API (/api), editor page (/)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8081, help="port (default: 8081, LanguageTool's)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes, each with its own model (default: 1)")
    serve.add_argument(
        "--api-key",
        default=os.environ.get(API_KEY_ENV),
        help=f"every API request must carry this key (X-API-Key, Authorization: Bearer, or apiKey); "
        f"default: ${API_KEY_ENV}, else none",
    )
    serve.add_argument(
        "--max-chars", type=int, default=200_000, help="longest text checked, in characters (default: 200000)"
    )
    serve.add_argument(
        "--timeout", type=float, default=30.0, help="seconds a check may take before a 503 (default: 30)"
    )
    serve.add_argument("--max-upload-mb", type=float, default=20.0, help="largest uploaded file in MB (default: 20)")
    serve.add_argument(
        "--access-log", action="store_true", help="log method, path, status and time of each request (never the text)"
    )
    serve.add_argument("--no-batching", action="store_true", help=argparse.SUPPRESS)  # the benchmark's baseline
    add_pipeline_arguments(serve)
    add_project_argument(serve)
    return serve


def run(args: argparse.Namespace) -> int:
    """Serve until SIGTERM or Ctrl-C; in-flight requests are answered first."""
    for flag, value in (("--workers", args.workers), ("--max-chars", args.max_chars)):
        if value < 1:
            raise UsageError(f"{flag} must be at least 1")
    if args.timeout <= 0 or args.max_upload_mb <= 0:
        raise UsageError("--timeout and --max-upload-mb must be positive")
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    try:
        import uvicorn

        from ..serve import app as server
    except ImportError as e:
        missing = f"proofread serve needs FastAPI and uvicorn ({e.name} is missing)"
        raise UsageError(f"{missing}: pip install 'proofread[serve]'") from None
    from ..serve.settings import ENV, ServeSettings

    project = load_project(args)
    config = project_config(args, project)
    if args.workers > 1:  # the learned models' threads, shared out between the workers
        config = with_threads(config, max(1, (os.cpu_count() or 1) // args.workers))
    settings = ServeSettings(
        host=args.host,
        port=args.port,
        workers=args.workers,
        api_key=args.api_key or None,
        max_chars=args.max_chars,
        timeout=args.timeout,
        max_upload_mb=args.max_upload_mb,
        access_log=args.access_log,
        batching=not args.no_batching,
        dicts=(*project.dictionaries, *(str(d) for d in args.dicts)),
        config=config,
        disabled_rules=tuple(sorted(project.disabled_rules)),
        severities={rule: str(severity) for rule, severity in project.severities.items()},
    )
    # Bad dictionaries and settings are usage errors here, not workers failing at start-up later.
    if args.workers == 1:
        problem, proofreader = _load(settings)
    else:  # in a process of its own, so that this supervisor does not keep a model it never uses
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            problem, proofreader = pool.submit(_validate, settings).result(), None
    if problem:
        raise UsageError(problem)
    where = f"http://{'[' + args.host + ']' if ':' in args.host else args.host}:{args.port}/"
    print(f"proofread: editor page {where}, LanguageTool API {where}v2/, API docs {where}docs", file=sys.stderr)
    if args.host not in ("127.0.0.1", "localhost", "::1") and not settings.api_key:
        print("proofread: warning: listening beyond this machine without --api-key", file=sys.stderr)
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)  # our logger beside uvicorn's, same format
    log_config["loggers"]["proofread.serve"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    common: dict[str, Any] = dict(
        log_config=log_config,
        host=args.host,
        port=args.port,
        access_log=False,  # uvicorn's would log query strings, which can carry the text
        server_header=False,
        timeout_graceful_shutdown=int(args.timeout) + 5,
        log_level="info",
    )
    # uvicorn answers the requests in flight, then raises the signal it stopped on again: with this
    # handler that ends the command normally (exit 0) instead of killing the process.
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    if args.workers == 1:
        uvicorn.run(server.create_app(settings, proofreader), **common)
    else:
        os.environ[ENV] = settings.to_env()
        uvicorn.run("proofread.serve.app:app_from_env", factory=True, workers=args.workers, **common)
    return EXIT_OK


def _load(settings: ServeSettings) -> tuple[str | None, Proofreader | None]:
    """The server's ``Proofreader``, or the one line that says why it cannot be built."""
    from ..pipeline import ComponentError

    try:
        return None, settings.proofreader()
    except (DictionaryError, ComponentError, ConfigError) as e:
        return str(e), None


def _validate(settings: ServeSettings) -> str | None:
    return _load(settings)[0]
