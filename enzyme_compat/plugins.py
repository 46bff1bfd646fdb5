"""Discovery of plugins: the entry-point group `enzyme_compat`, plus any given explicitly.

Loading validates every plugin against the hook specifications (`enzyme_compat.hookspecs`,
`enzyme_compat.ad.hookspecs`): an implementation of a hook that does not exist (a
misspelling) is an `UnknownHookError` naming the plugin, the hook and the closest real hook;
a hook with arguments its specification does not have, or a plugin-level
`ENZYME_COMPAT_RELEASES` that is not a valid specifier set, is a `PluginError`.
"""

from __future__ import annotations

import difflib
import functools
import types

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from . import hookspecs
from .ad import hookspecs as ad_hookspecs
from .errors import EnzymeCompatError

RELEASES_ATTRIBUTE = "ENZYME_COMPAT_RELEASES"


class PluginError(EnzymeCompatError):
    pass


class UnknownHookError(PluginError):
    """A plugin implements a hook no specification defines (`.plugin`, `.hook`, and the
    closest real hook name `.suggestion`, or None)."""

    def __init__(self, plugin: str, hook: str, suggestion: str | None, known):
        self.plugin, self.hook, self.suggestion = plugin, hook, suggestion
        if suggestion is not None:
            hint = f"did you mean {suggestion!r}?"
        else:
            hint = "the hooks are " + ", ".join(sorted(known))
        super().__init__(f"plugin {plugin} implements an unknown hook {hook!r}: {hint}")


def plugin_name(pm: pluggy.PluginManager, plugin) -> str:
    """A short name for a registered plugin: its entry-point name, else its module's name
    (a module) or class name (an object)."""
    name = pm.get_name(plugin)
    if name and name != str(id(plugin)):
        return name
    return _origin(plugin)


def plugin_label(pm: pluggy.PluginManager, plugin) -> str:
    """`'name' (module or class)` for messages."""
    name, origin = plugin_name(pm, plugin), _origin(plugin)
    return repr(name) if name == origin else f"{name!r} ({origin})"


def _origin(plugin) -> str:
    if isinstance(plugin, types.ModuleType):
        return plugin.__name__
    cls = plugin if isinstance(plugin, type) else type(plugin)
    return f"{cls.__module__}.{cls.__qualname__}"


def plugin_releases(pm: pluggy.PluginManager, plugin) -> SpecifierSet | None:
    """The plugin's `ENZYME_COMPAT_RELEASES` (the LLVM releases it supports), None when
    it states none (every release)."""
    spec = getattr(plugin, RELEASES_ATTRIBUTE, None)
    if spec is None:
        return None
    if isinstance(spec, SpecifierSet):
        return spec
    try:
        return SpecifierSet(str(spec))
    except InvalidSpecifier:
        raise PluginError(f"plugin {plugin_label(pm, plugin)}: {RELEASES_ATTRIBUTE} = "
                          f"{spec!r} is not a version specifier set (write e.g. "
                          f"\">=12,<20\")") from None


def _check_unknown_hooks(pm: pluggy.PluginManager) -> None:
    """Implementations of hooks that no specification defines (optional ones excepted,
    as pluggy's `check_pending`), reported with the closest real hook name."""
    known = [name for name in vars(pm.hook) if not name.startswith("_")
             and getattr(pm.hook, name).has_spec()]
    for name in sorted(vars(pm.hook)):
        if name.startswith("_"):
            continue
        caller = getattr(pm.hook, name)
        if caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if impl.optionalhook:
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            raise UnknownHookError(plugin_label(pm, impl.plugin), name,
                                   close[0] if close else None, known)


def _validation_error(pm, e: pluggy.PluginValidationError) -> PluginError:
    who = plugin_label(pm, e.plugin) if pm.is_registered(e.plugin) else _origin(e.plugin)
    message = str(e)
    return PluginError(f"plugin {who}: {message}")


def make_plugin_manager(extra=(), entry_points=True, exclude=()) -> pluggy.PluginManager:
    """A plugin manager with every hook specification, the plugins of the `enzyme_compat`
    entry-point group (unless `entry_points` is false) but those whose entry-point names
    are in `exclude`, and the `extra` plugin objects or modules, checked (see the module
    docstring)."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.add_hookspecs(ad_hookspecs)
    for name in exclude:
        pm.set_blocked(name)
    try:
        if entry_points:
            pm.load_setuptools_entrypoints(hookspecs.PROJECT)
        for p in extra:
            pm.register(p)
        _check_unknown_hooks(pm)
        pm.check_pending()
    except pluggy.PluginValidationError as e:
        raise _validation_error(pm, e) from None
    for p in pm.get_plugins():
        plugin_releases(pm, p)  # a malformed ENZYME_COMPAT_RELEASES fails here, not later
    return pm


@functools.lru_cache(maxsize=1)
def default_plugin_manager() -> pluggy.PluginManager:
    pm = make_plugin_manager()
    if not pm.get_plugins():
        raise PluginError("no enzyme_compat plugins found: install the package "
                          "(pip install -e .) so its entry points are registered")
    return pm
