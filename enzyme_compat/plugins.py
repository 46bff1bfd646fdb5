"""Discovery of plugins: the entry-point group `enzyme_compat`, plus any given explicitly."""

from __future__ import annotations

import functools

import pluggy

from . import hookspecs
from .ad import hookspecs as ad_hookspecs
from .errors import EnzymeCompatError


class PluginError(EnzymeCompatError):
    pass


def make_plugin_manager(extra=(), entry_points=True) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.add_hookspecs(ad_hookspecs)
    if entry_points:
        pm.load_setuptools_entrypoints(hookspecs.PROJECT)
    for p in extra:
        pm.register(p)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as e:
        raise PluginError(f"plugin error: {e}") from None
    return pm


@functools.lru_cache(maxsize=1)
def default_plugin_manager() -> pluggy.PluginManager:
    pm = make_plugin_manager()
    if not pm.get_plugins():
        raise PluginError("no enzyme_compat plugins found: install the package "
                          "(pip install -e .) so its entry points are registered")
    return pm
