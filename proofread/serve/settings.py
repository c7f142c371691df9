"""The server's settings, passed to each worker process through one environment variable."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..pipeline import Proofreader

ENV = "PROOFREAD_SERVE_SETTINGS"  # JSON of ServeSettings, read by every worker
API_KEY_ENV = "PROOFREAD_API_KEY"


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8081
    workers: int = 1
    api_key: str | None = None
    max_chars: int = 200_000
    timeout: float = 30.0
    max_upload_mb: float = 20.0
    access_log: bool = False
    batching: bool = True  # off: one request per pipe call (the benchmark's baseline)
    dicts: tuple[str, ...] = ()
    config: dict[str, dict[str, Any]] = field(default_factory=dict)
    disabled_rules: tuple[str, ...] = ()  # proofread.toml's: never reported
    severities: dict[str, str] = field(default_factory=dict)  # proofread.toml's: a severity per rule

    def proofreader(self) -> Proofreader:
        """The ``Proofreader`` these settings describe (each worker builds its own)."""
        from ..pipeline import Proofreader

        return Proofreader(
            extra_dictionaries=self.dicts,
            config=self.config or None,
            disabled_rules=self.disabled_rules,
            severities=self.severities,
        )

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 2**20)

    @property
    def max_body_bytes(self) -> int:
        """Largest request body read: an upload, or ``max_chars`` percent-encoded (9 bytes a character)."""
        return max(self.max_upload_bytes, self.max_chars * 9 * 2) + 2**16

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> ServeSettings:
        values = json.loads(os.environ.get(ENV, "{}"))
        values["dicts"] = tuple(values.get("dicts", ()))
        values["disabled_rules"] = tuple(values.get("disabled_rules", ()))
        return cls(**values)
