"""``proofread.toml``: one project's settings, read by ``check``, ``scan`` and the server.

```toml
dictionaries = ["our_terms.tsv"]          # relative to this file
disabled_rules = ["typo.bushu"]

[severity]                                # per rule id: error, warning or info
"outdated.gongshang_zongju" = "error"

[units]                                   # path or URL prefix → unit (as --units)
"siteA" = "某某市人民政府"

[update_intervals]                        # days a 栏目 may go without an update, by a word of its name
"工作动态" = 7

[components.spelling_model]               # component settings, as `proofread components` lists them
threshold = 0.99
```

Every key is checked; a bad one fails with ``file:line: what is wrong``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .finding import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

FILE_NAME = "proofread.toml"


class ProjectError(ValueError):
    """A bad project file: ``str(e)`` is ``file:line: what is wrong``."""


@dataclass(frozen=True)
class Project:
    """The settings of ``proofread.toml`` (empty when there is none)."""

    path: Path | None = None
    dictionaries: tuple[str, ...] = ()
    disabled_rules: frozenset[str] = frozenset()
    severities: Mapping[str, Severity] = field(default_factory=dict)
    units: tuple[tuple[str, str], ...] = ()
    update_intervals: Mapping[str, int] = field(default_factory=dict)
    components: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def find(explicit: str | Path | None = None, cwd: Path | None = None) -> Project:
    """``explicit``, else ``proofread.toml`` in ``cwd`` (the current folder) when there is one."""
    if explicit is not None:
        return load(Path(explicit))
    default = (cwd or Path.cwd()) / FILE_NAME
    return load(default) if default.is_file() else Project()


def load(path: Path) -> Project:
    """Read and check ``path``; ``ProjectError`` names the file and line of the first problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise ProjectError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise ProjectError(f"{path}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column \d+\)", str(e))
        where = f"{path}:{m.group(1)}" if m else str(path)
        raise ProjectError(f"{where}: not valid TOML ({str(e).split(' (at line')[0]})") from None
    return _Reader(path, text).project(data)


class _Reader:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, table: str, key: str | None, problem: str) -> ProjectError:
        name = f"{table}.{key}" if table and key else table or key or ""
        return ProjectError(f"{self.path}:{self.line(table, key)}: {name}: {problem}")

    def line(self, table: str, key: str | None) -> int:
        """Where ``key`` of ``table`` is written (tomllib gives no positions): its table's header
        line, or the first line that sets it; 1 when it cannot be told."""
        current, header = "", 0
        for n, raw in enumerate(self.lines, 1):
            line = raw.strip()
            m = re.match(r"^\[\s*([^\]]+?)\s*\]", line)
            if m:
                current = m.group(1).replace('"', "").replace("'", "").replace(" ", "")
                if current == table and key is None:
                    return n
                header = n if current == table else header
                continue
            if key is not None and current == table:
                m = re.match(r"""^(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_.-]+))\s*=""", line)
                if m and key == next(g for g in m.groups() if g is not None):
                    return n
        return header or 1

    def project(self, data: dict[str, Any]) -> Project:
        # key in the file → (Project field, how its value is read)
        readers: dict[str, tuple[str, Callable[[Any], Any]]] = {
            "dictionaries": ("dictionaries", self.dictionaries),
            "disabled_rules": ("disabled_rules", lambda v: frozenset(self.strings("", "disabled_rules", v))),
            "severity": ("severities", self.severities),
            "units": ("units", self.units),
            "update_intervals": ("update_intervals", self.intervals),
            "components": ("components", self.components),
        }
        values = {}
        for key, value in data.items():
            if key not in readers:
                raise self.fail("", key, f"unknown key; valid keys: {', '.join(readers)}")
            name, read = readers[key]
            values[name] = read(value)
        project = Project(self.path, **values)
        self.check_components(project)
        return project

    def dictionaries(self, value: Any) -> tuple[str, ...]:
        return tuple(str(self.path.parent / d) for d in self.strings("", "dictionaries", value))

    def severities(self, value: Any) -> dict[str, Severity]:
        return {rule: self.severity(rule, s) for rule, s in self.table("severity", value).items()}

    def units(self, value: Any) -> tuple[tuple[str, str], ...]:
        return tuple((k.rstrip("/"), self.string("units", k, u)) for k, u in self.table("units", value).items())

    def intervals(self, value: Any) -> dict[str, int]:
        return {k: self.days(k, d) for k, d in self.table("update_intervals", value).items()}

    def components(self, value: Any) -> dict[str, dict[str, Any]]:
        return {k: self.table(f"components.{k}", s) for k, s in self.table("components", value).items()}

    def table(self, name: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(name, None, "expected a table ([" + name + "])")
        return value

    def strings(self, table: str, key: str, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(table, key, "expected a list of strings")
        return value

    def string(self, table: str, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(table, key, "expected a non-empty string")
        return value.strip()

    def severity(self, rule: str, value: Any) -> Severity:
        try:
            return Severity.parse(value) if isinstance(value, str) else Severity.parse("?")
        except ValueError:
            raise self.fail("severity", rule, f"expected error, warning or info, got {value!r}") from None

    def days(self, column: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail("update_intervals", column, f"expected a whole number of days (0: none), got {value!r}")
        return value

    def check_components(self, project: Project) -> None:
        from .checkers import REGISTRY
        from .config import ConfigError, make

        for name, section in project.components.items():
            if name not in REGISTRY:
                raise self.fail("components", name, f"unknown component; available: {', '.join(sorted(REGISTRY))}")
            try:
                make(REGISTRY[name].Config, section, name)
            except ConfigError as e:
                key = next((k for k in section if f"'{k}'" in str(e) or f".{k}:" in str(e)), None)
                raise self.fail(f"components.{name}", key, str(e).split(": ", 1)[-1]) from None
