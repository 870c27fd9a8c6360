"""Named points inside the embedded store's operations, where a crash test can stop the process.

The store calls :func:`reach` at each step whose interruption leaves a different
state on disk (an object half streamed, a git lock held, a commit made but not
yet pointed to). Nothing happens unless a hook is installed with
:func:`set_hook`; the crash-safety tests install one in a child process that
pauses there, then kill that process.
"""

from __future__ import annotations

from collections.abc import Callable

_hook: Callable[[str], None] | None = None


def set_hook(hook: Callable[[str], None] | None) -> None:
    global _hook
    _hook = hook


def reach(name: str) -> None:
    if _hook is not None:
        _hook(name)
