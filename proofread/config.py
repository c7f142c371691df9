"""Typed component settings: one frozen dataclass per component, declared beside it.

A field made with :func:`option` is documented once, by its ``help``; the same declaration
validates ``Proofreader(config=...)``, gives the command line its flag and translates the
old flat ``options={...}`` keys (``alias``).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def option(
    default: Any,
    *,
    help: str,
    flag: str | None = None,
    metavar: str | None = None,
    alias: str | None = None,
    choices: tuple[Any, ...] | None = None,
    enables: bool = False,
) -> Any:
    """A config field. ``flag``: its command-line option; ``alias``: its old ``options`` key;
    ``enables``: giving it adds a component that is not in the default pipeline."""
    meta = {"help": help, "flag": flag, "metavar": metavar, "alias": alias, "choices": choices, "enables": enables}
    return dataclasses.field(default=default, metadata=meta)


class ConfigError(ValueError):
    """A bad ``config`` or ``options``: an unknown component, setting or option, or a bad value."""


@dataclass(frozen=True)
class NoConfig:
    """The settings of a component that has none."""


def fields(config_class: type) -> tuple[dataclasses.Field, ...]:
    return dataclasses.fields(config_class)


def types_of(config_class: type) -> dict[str, tuple[type, ...]]:
    """Per field, the types its value may have (``None`` as ``type(None)``)."""
    hints = typing.get_type_hints(config_class)
    out = {}
    for f in fields(config_class):
        hint = hints[f.name]
        is_union = typing.get_origin(hint) in (typing.Union, types.UnionType)
        out[f.name] = tuple(typing.get_args(hint)) if is_union else (hint,)
    return out


def make(config_class: type, values: Mapping[str, Any] | None, section: str) -> Any:
    """An instance of ``config_class`` from ``values``; a ``ValueError`` names any bad key or value."""
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise ConfigError(f"config[{section!r}] must be a dict of settings, not {type(values).__name__}")
    allowed = types_of(config_class)
    unknown = [k for k in values if k not in allowed]
    if unknown:
        valid = ", ".join(allowed) or "none"
        raise ConfigError(f"{section}: unknown setting {unknown[0]!r}; valid settings: {valid}")
    choices = {f.name: f.metadata.get("choices") for f in fields(config_class)}
    kwargs = {key: _coerce(f"{section}.{key}", value, allowed[key], choices[key]) for key, value in values.items()}
    return config_class(**kwargs)


def _coerce(key: str, value: Any, kinds: tuple[type, ...], choices: tuple[Any, ...] | None) -> Any:
    for kind in kinds:
        got = _as(value, kind)
        if got is not _NO:
            if choices is not None and got is not None and got not in choices:
                break
            return got
    wanted = " or ".join(repr(c) for c in choices) if choices else " or ".join(_NAMES.get(k, k.__name__) for k in kinds)
    raise ConfigError(f"{key}: expected {wanted}, got {value!r}")


_NO = object()
_NAMES = {float: "a number", int: "a whole number", bool: "true or false", str: "a string", type(None): "None"}


def _as(value: Any, kind: type) -> Any:
    """``value`` as ``kind``, or ``_NO``. Numbers may come as strings (the old options did ``float(...)``)."""
    if kind is type(None):
        return None if value is None else _NO
    if isinstance(value, bool):
        return value if kind is bool else _NO
    if kind is bool:
        return _NO
    if kind is str:
        return os.fspath(value) if isinstance(value, (str, os.PathLike)) else _NO
    if kind is float and isinstance(value, (int, float, str)):
        try:
            return float(value)
        except ValueError:
            return _NO
    if kind is int and isinstance(value, (int, float, str)):
        try:
            number = float(value)
        except ValueError:
            return _NO
        return int(number) if number.is_integer() else _NO
    return _NO


# -- the old flat ``options`` -------------------------------------------------------------


def translate_options(options: Mapping[str, Any], components: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``Proofreader(options=...)`` (flat keys such as ``model_threshold``) as ``config`` sections.

    A component outside the default pipeline is enabled by the key named like it (``hf_model``,
    ``punctuation``) being true; its other keys are checked but apply only then.
    """
    where: dict[str, tuple[str, str | None]] = {}
    for name, component in components.items():
        if not component.default:
            where[name] = (name, None)
        for f in fields(component.Config):
            if f.metadata.get("alias"):
                where[f.metadata["alias"]] = (name, f.name)
    sections: dict[str, dict[str, Any]] = {}
    for key, value in options.items():
        if key not in where:
            raise ConfigError(f"unknown option {key!r}; valid options: {', '.join(sorted(where))}")
        name, field_name = where[key]
        section = sections.setdefault(name, {})
        if field_name is not None:
            section[field_name] = value
    for name in list(sections):
        make(components[name].Config, sections[name], name)  # a bad value raises even where unused
        if not components[name].default and not options.get(name):
            del sections[name]
    return sections


# -- the command line ---------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser, components: Iterable[Any]) -> None:
    """One flag per config field that declares one, plus each optional component's switch."""
    for component in components:
        if component.flag:
            parser.add_argument(
                component.flag,
                dest=f"{component.name}.",
                action="store_true",
                default=argparse.SUPPRESS,
                help=f"add the {component.name} checker: {summary(component)}",
            )
        kinds = types_of(component.Config)
        for f in fields(component.Config):
            flag = f.metadata.get("flag")
            if not flag:
                continue
            kind = next((k for k in kinds[f.name] if k is not type(None)), str)
            typed: dict[str, Any] = {"type": kind} if kind in (int, float) else {}
            parser.add_argument(
                flag,
                dest=f"{component.name}.{f.name}",
                **typed,
                default=argparse.SUPPRESS,
                metavar=f.metadata.get("metavar"),
                choices=f.metadata.get("choices"),
                help=f"{f.metadata['help']}" + ("" if f.default is None else f" (default: {f.default})"),
            )


def from_arguments(args: argparse.Namespace, components: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """``Proofreader(config=...)`` from the flags :func:`add_arguments` made. A component
    outside the default pipeline comes in only with its switch or an ``enables`` flag."""
    given = vars(args)
    config: dict[str, dict[str, Any]] = {}
    for component in components:
        section = {
            f.name: given[f"{component.name}.{f.name}"]
            for f in fields(component.Config)
            if f"{component.name}.{f.name}" in given
        }
        enabled = f"{component.name}." in given or any(
            f.metadata.get("enables") and f.name in section for f in fields(component.Config)
        )
        if component.default and section or enabled:
            config[component.name] = section
    return config


def summary(component: Any) -> str:
    """First line of a component's docstring."""
    return (component.__doc__ or "").strip().split("\n")[0]


def describe(components: Iterable[Any]) -> str:
    """The ``proofread components`` listing: each component, whether default, its settings."""
    lines = []
    for c in components:
        how = "default" if c.default else "optional" + (f", {c.flag}" if c.flag else "")
        lines.append(f"{c.name} ({how}): {summary(c)}")
        kinds = types_of(c.Config)
        for f in fields(c.Config):
            kind = " | ".join(_NAMES.get(k, k.__name__).removeprefix("a ") for k in kinds[f.name])
            where = [f.metadata["flag"]] if f.metadata.get("flag") else []
            where += [f"options key {f.metadata['alias']}"] if f.metadata.get("alias") else []
            lines.append(f"    {f.name} = {f.default!r}  ({'; '.join([kind, *where])})")
            lines.append(f"        {f.metadata['help']}")
    return "\n".join(lines)
