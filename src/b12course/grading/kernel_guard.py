"""Runs INSIDE a grading kernel: exit() cannot end the kernel, and changed checking helpers are
noticed and put back before each hidden test runs.

The worker calls these functions through silent ``user_expressions`` (nothing is added to the
student's namespace). ``install`` (kernel start) makes ``exit()``/``quit()`` raise ``SystemExit``
like ``sys.exit()`` (IPython would otherwise end the kernel a moment later, so results varied
between identical runs) and remembers the builtins. ``snapshot`` (after the instructor's setup
cells, before any student code) remembers the helpers the tests use; ``check`` (before every
hidden test) names whatever was changed since and restores it, so the test runs with the
instructor's own code. A student who breaks the guard itself is caught too: the worker treats an
error from ``check`` as tampering.
"""

from __future__ import annotations

import builtins
import sys
import types

#: the course's checking modules, watched attribute by attribute (functions by their code too)
HELPER_MODULES = ("b12course.exercises.checks", "b12course.exercises.compare",
                  "b12course.exercises.tasks")
_IGNORED_BUILTINS = {"_", "__", "___"}
_state: dict = {}


def install(shell) -> str:
    """Keep the kernel alive on exit()/quit() and remember the builtins."""
    def no_exit(*args, **kwargs):
        raise SystemExit("exit() or quit() was called; the grader keeps the kernel running")

    shell.ask_exit = no_exit
    _state["builtins"] = dict(vars(builtins))
    shell._b12_guard = sys.modules[__name__]
    return "ok"


def _watch_module(module) -> dict:
    own = module.__name__
    functions, classes, dicts = {}, {}, {}
    for name, value in vars(module).items():
        if isinstance(value, types.FunctionType) and value.__module__ == own:
            functions[name] = (value, value.__code__, value.__defaults__, value.__kwdefaults__)
        elif isinstance(value, type) and value.__module__ == own:
            classes[name] = (value, dict(vars(value)))
        elif type(value) is dict:
            dicts[name] = (value, dict(value))
    return {"module": module, "attrs": dict(vars(module)), "functions": functions,
            "classes": classes, "dicts": dicts}


def snapshot(shell, names: list[str]) -> str:
    """Remember the helpers (callables and modules among ``names``) and the course's modules."""
    user = shell.user_ns
    watched_names = {n: user[n] for n in names
                     if n in user and (callable(user[n]) or isinstance(user[n], types.ModuleType))}
    modules = {name: sys.modules[name] for name in HELPER_MODULES if name in sys.modules}
    for value in watched_names.values():
        if isinstance(value, types.ModuleType):
            modules.setdefault(value.__name__, value)
    _state["names"] = watched_names
    _state["modules"] = {name: _watch_module(m) for name, m in modules.items()}
    return "ok"


def _check_module(name: str, seen: dict, changed: list[str]) -> None:
    module = seen["module"]
    if sys.modules.get(name, module) is not module:
        changed.append(f"sys.modules[{name!r}]")
        sys.modules[name] = module
    short = name.rsplit(".", 1)[-1]
    current = vars(module)
    for attr, value in seen["attrs"].items():
        if current.get(attr, _state) is not value:
            changed.append(f"{short}.{attr}")
            setattr(module, attr, value)
    for attr, (func, code, defaults, kwdefaults) in seen["functions"].items():
        if (func.__code__, func.__defaults__, func.__kwdefaults__) != (code, defaults, kwdefaults):
            changed.append(f"{short}.{attr} (its code)")
            func.__code__, func.__defaults__, func.__kwdefaults__ = code, defaults, kwdefaults
    for attr, (cls, members) in seen["classes"].items():
        now = vars(cls)
        for key, value in members.items():
            if now.get(key, _state) is not value:
                changed.append(f"{short}.{attr}.{key}")
                setattr(cls, key, value)
    for attr, (mapping, items) in seen["dicts"].items():
        if mapping != items or any(mapping[k] is not v for k, v in items.items()):
            changed.append(f"{short}.{attr} (its entries)")
            mapping.clear()
            mapping.update(items)


def check(shell) -> str:
    """Comma-separated names of the helpers changed since ``snapshot`` (all put back), or ''."""
    changed: list[str] = []
    current = vars(builtins)
    for name, value in _state.get("builtins", {}).items():
        if name not in _IGNORED_BUILTINS and current.get(name, _state) is not value:
            changed.append(f"builtins.{name}")
            current[name] = value
    user = shell.user_ns
    for name, value in _state.get("names", {}).items():
        if user.get(name, _state) is not value:
            changed.append(name)
            user[name] = value
    for name, seen in _state.get("modules", {}).items():
        _check_module(name, seen, changed)
    return ", ".join(sorted(set(changed)))
