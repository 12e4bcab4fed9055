"""The student-speed benchmark (benchmarks/bench_browser.py) still measures something real.

It is not a timing test: one click on a quiz and one on an explorer in student mode must give
finite, positive click-to-paint times, so the bench cannot rot silently when the pages change.
"""

from __future__ import annotations

import importlib.util
import math
import sys

import pytest

from b12course.sources.paths import REPO_ROOT

pytestmark = pytest.mark.browser


def _bench():
    path = REPO_ROOT / "benchmarks" / "bench_browser.py"
    spec = importlib.util.spec_from_file_location("b12course_bench_browser", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_one_quiz_and_one_explorer_give_finite_click_to_paint_times(tmp_path):
    bench = _bench()
    check = bench.student_mode_check()
    check.require_voila()  # skips (or fails in CI) like the other browser checks
    probes = [p for p in bench.PROBES
              if p.name.startswith(("quiz, one answer", "trajectory explorer"))]
    assert len(probes) == 2, [p.name for p in bench.PROBES]
    with bench.student_mode(tmp_path) as server, bench.chromium() as context:
        results = bench.measure(server, context, repeats=1, render_repeats=0, probes=probes,
                                notebooks=[], report=lambda _line: None)
    assert not results.problems, results.problems
    for probe in probes:
        for samples in (results.painted[probe.name], results.dom[probe.name]):
            assert len(samples) == 1 and math.isfinite(samples[0]) and samples[0] > 0, (
                probe.name, samples)
        assert results.painted[probe.name][0] >= results.dom[probe.name][0]
    rendered = results.render[probes[1].notebook]
    assert len(rendered) == 1 and math.isfinite(rendered[0]) and rendered[0] > 0, rendered
