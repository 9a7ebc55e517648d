"""Every hook a cchc plugin can implement. These names and arguments are public API.

The markers set exactly the attribute pluggy's ``HookimplMarker("cchc")`` /
``HookspecMarker("cchc")`` set (``cchc_impl`` / ``cchc_spec``, the same option dict),
which is all pluggy reads; they are ours so that importing ``cchc_engine`` (and
``cchc --help``) does not import pluggy. tests/test_plugin_lazy.py checks them
against pluggy's own markers.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


class _Marker:
    def __init__(self, project_name: str) -> None:
        self.project_name = project_name

    def _mark(self, function: Optional[_F], suffix: str, opts: dict[str, Any]) -> Any:
        def mark(func: _F) -> _F:
            setattr(func, self.project_name + suffix, dict(opts))
            return func

        return mark if function is None else mark(function)


class HookimplMarker(_Marker):
    """``@hookimpl`` or ``@hookimpl(tryfirst=…, trylast=…, wrapper=…, hookwrapper=…,
    optionalhook=…, specname=…)``: marks a function as a hook implementation."""

    def __call__(
        self,
        function: Optional[_F] = None,
        hookwrapper: bool = False,
        optionalhook: bool = False,
        tryfirst: bool = False,
        trylast: bool = False,
        specname: Optional[str] = None,
        wrapper: bool = False,
    ) -> Any:
        opts = {
            "wrapper": wrapper, "hookwrapper": hookwrapper, "optionalhook": optionalhook,
            "tryfirst": tryfirst, "trylast": trylast, "specname": specname,
        }
        return self._mark(function, "_impl", opts)


class HookspecMarker(_Marker):
    """``@hookspec`` or ``@hookspec(firstresult=…, historic=…)``: declares a hook."""

    def __call__(
        self,
        function: Optional[_F] = None,
        firstresult: bool = False,
        historic: bool = False,
        warn_on_impl: Optional[Warning] = None,
        warn_on_impl_args: Optional[dict[str, Warning]] = None,
    ) -> Any:
        if historic and firstresult:
            raise ValueError("cannot have a historic firstresult hook")
        opts = {
            "firstresult": firstresult, "historic": historic,
            "warn_on_impl": warn_on_impl, "warn_on_impl_args": warn_on_impl_args,
        }
        return self._mark(function, "_spec", opts)


hookspec = HookspecMarker("cchc")
hookimpl = HookimplMarker("cchc")


@hookspec
def register_specs(register: Callable[..., None]) -> None:
    """Register spec files: call register(path) for each YAML spec the plugin ships."""


@hookspec
def register_readers(register: Callable[..., None]) -> None:
    """Register input readers: call register(reader) for each cchc_engine.protocols.Reader (name, suffixes, sniff(path), read(path, options))."""


@hookspec
def register_writers(register: Callable[..., None]) -> None:
    """Register output formats: call register(writer) for each cchc_engine.protocols.Writer (name, suffix, binary, write(result, stream, options))."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add click commands to the `cchc` command group."""


@hookspec
def check_result(result: Any, spec: Any, lang: str) -> Optional[list[Any]]:
    """Return extra findings (cchc_engine.api.Finding.make) for a computed result in language lang; None or [] for none."""


@hookspec(firstresult=True)
def choose_reader(path: str, readers: list[Any]) -> Optional[Any]:
    """Pick the reader for a file before the built-in choice by suffix and sniffing. Stops at first non-None result."""
