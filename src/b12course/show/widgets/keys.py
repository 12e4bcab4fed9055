"""What every quiz and explorer carries: safe keys, labelled radio groups and a restart note.

**Keys.** In JupyterLab a focused radio button, checkbox, drop-down or button is not an editable
element, so the notebook's command-mode shortcuts get every key typed on it: ``d d`` deletes the
cell, ``m`` turns it into Markdown, the arrow keys jump to another cell (measured, see
shared/testing_notes.md). ipywidgets can neither set an attribute nor add an event listener from
Python, so each quiz and explorer holds one invisible :class:`KeyGuard`, a tiny ``anywidget``
(its front end ships prebuilt inside the Python package: no Node.js, no build, works offline).
Its script finds the enclosing element marked :data:`KEYS_CLASS` and

* stops keys typed there from reaching JupyterLab, which handles its shortcuts when a key event
  bubbles up to the document. Tab, Escape, Shift/Ctrl/Alt+Enter (run the cell) and shortcuts
  with Ctrl, Cmd or Alt (save, command palette) still pass, except those that move or merge
  cells (Ctrl+Backspace merges the cell above, Ctrl+Shift+M the one below, Ctrl+Shift+arrows
  move it);
* gives each radio group one ``name``, so the arrow keys move between its options and the group
  is one Tab stop (as in any web form), a ``radiogroup`` role, and its question as accessible name.

Without anywidget installed the widgets still work; only this keyboard help is missing.

**Restart note.** After a kernel restart the page keeps showing the widgets, but nothing answers
their clicks any more; a small line in each says what to do, in plain words.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets

#: Class of a quiz's or explorer's outermost box: the guard protects everything inside it.
KEYS_CLASS = "b12-keys"
#: Class of one question's box and of its prompt (the radio group is named after the prompt).
QUESTION_CLASS = "b12-question"
PROMPT_CLASS = "b12-prompt"

RESTART = {
    "quiz": ("If Check does nothing, the notebook has restarted: reload the page, or in "
             "JupyterLab choose Run All Cells in the Run menu (or run this cell), to start the "
             "quiz again."),
    "explorer": ("If changing a choice does nothing, the notebook has restarted: reload the "
                 "page, or in JupyterLab choose Run All Cells in the Run menu (or run this "
                 "cell), to start the explorer again."),
}

#: A focus ring that shows where the keyboard is (JupyterLab's own is faint or missing on widget
#: controls). #1A5FB4 has a contrast of 6.4:1 against white.
FOCUS_STYLE = """<style>
.b12-keys input:focus-visible, .b12-keys select:focus-visible, .b12-keys button:focus-visible,
.b12-keys [tabindex]:focus-visible, .b12-keys summary:focus-visible {
  outline: 2px solid #1A5FB4 !important; outline-offset: 2px; }
.b12-keys .b12-restart { color: var(--jp-ui-font-color1, #333); }
</style>"""

_ESM = r"""
// Keeps keys typed in a quiz or explorer away from JupyterLab's command mode, and names
// radio groups; see b12course/show/widgets/keys.py.
const ROOT = ".b12-keys";
let groups = 0;

// Keys that still reach JupyterLab: leaving the widget, running the cell, and shortcuts with
// Ctrl, Cmd or Alt (save, command palette) except those that move or merge cells.
const passes = (e) => {
  if (e.key === "Tab" || e.key === "Escape") return true;
  if (e.key === "Enter") return e.shiftKey || e.ctrlKey || e.metaKey || e.altKey;
  if (!(e.ctrlKey || e.metaKey || e.altKey)) return false;
  return !(e.key.startsWith("Arrow") || e.key === "Backspace" || e.key.toLowerCase() === "m");
};

function label(root) {
  for (const box of root.querySelectorAll(".widget-radio-box")) {
    const radios = box.querySelectorAll('input[type="radio"]');
    if (!radios.length) continue;
    if (!box.dataset.b12Group) {
      box.dataset.b12Group = `b12-radios-${Date.now().toString(36)}-${++groups}`;
    }
    for (const radio of radios) {
      if (radio.name !== box.dataset.b12Group) radio.name = box.dataset.b12Group;
    }
    box.setAttribute("role", "radiogroup");
    const question = box.closest(".b12-question");
    const prompt = question && question.querySelector(".b12-prompt");
    if (prompt) {
      if (!prompt.id) prompt.id = `${box.dataset.b12Group}-question`;
      box.setAttribute("aria-labelledby", prompt.id);
    }
  }
}

function protect(root) {
  if (root.dataset.b12Keys !== "on") {
    root.dataset.b12Keys = "on";
    root.addEventListener("keydown", (e) => { if (!passes(e)) e.stopPropagation(); });
    new MutationObserver(() => label(root)).observe(root, { childList: true, subtree: true });
  }
  label(root);
}

export default {
  render({ el }) {
    let tries = 0;
    const find = () => {  // the view is put into its box only after it has rendered
      const root = el.isConnected ? el.closest(ROOT) : null;
      if (root) protect(root);
      else if (++tries < 600) setTimeout(find, 50);
    };
    find();
  },
};
"""


@functools.cache
def _guard_class():
    """The KeyGuard class, or None when anywidget is not installed (built once, on first use)."""
    try:
        import anywidget
    except ImportError:
        return None

    class KeyGuard(anywidget.AnyWidget):
        """Invisible: its script protects the enclosing quiz or explorer (see the module)."""

        _esm = _ESM

    return KeyGuard


def key_guard() -> widgets.DOMWidget | None:
    """A new invisible key guard, or None without anywidget."""
    cls = _guard_class()
    return None if cls is None else cls(layout=widgets.Layout(display="none"))


def restart_html(kind: str) -> str:
    """The small restart note of a quiz or an explorer, with the focus-ring style."""
    return f'{FOCUS_STYLE}<small class="b12-restart">{RESTART[kind]}</small>'


def finish(box: widgets.Box, kind: str) -> widgets.Box:
    """Mark a quiz's or explorer's outermost box, then add its restart note and key guard."""
    box.add_class(KEYS_CLASS)
    note = widgets.HTML(restart_html(kind))
    guard = key_guard()
    box.children = (*box.children, note, *([guard] if guard is not None else []))
    box.restart_note = note
    box.key_guard = guard
    return box
