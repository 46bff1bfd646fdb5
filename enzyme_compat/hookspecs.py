"""The plugin contract (pluggy). Built-in release plugins implement it exactly as a
third party would, and are found through the `enzyme_compat` entry-point group.

A release plugin states what *its* LLVM release changed in the textual IR relative to
the previous release; the core folds the deltas of releases <= N into the dialect of N
and never branches on a release number itself.

The AD hooks (derivative rules, inactive functions and globals, custom allocators) are
specified in `enzyme_compat.ad.hookspecs`; every plugin manager (`enzyme_compat.plugins`)
knows both sets, so one plugin may implement hooks of either.
"""

from __future__ import annotations

import pluggy

PROJECT = "enzyme_compat"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def enzyme_compat_release_delta():
    """Return a `enzyme_compat.dialect.ReleaseDelta` (or None): the syntax one LLVM release
    introduced or removed. Called once per plugin; several plugins may describe the same
    release (their deltas are merged)."""
