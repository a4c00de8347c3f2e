"""Subpackages that double as the public function of the same name.

``thrustlab.read``, ``thrustlab.analyse``, ``thrustlab.explain`` and ``thrustlab.run_batch``'s
package are both subpackages and, by the spec, functions of the public API. Python binds a
subpackage to its parent's attribute as soon as it is imported, which would hide the
function; so each of these subpackages makes its module object callable, forwarding to its
function. ``thrustlab.analyse(recording)`` then works whichever was imported first.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def make_callable(module_name: str, function_name: str, /) -> None:
    """Calling the module ``module_name`` calls its ``function_name``."""

    class CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return getattr(self, function_name)(*args, **kwargs)

    sys.modules[module_name].__class__ = CallableModule
