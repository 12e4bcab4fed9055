"""deploy/: the files IT installs from parse, use only keys the Helm chart knows, and agree with
`b12course hub-link` on where the course goes and which page opens.

The Zero to JupyterHub chart rejects an unknown key (its values.schema.yaml forbids extra
properties), so a typo would stop `helm upgrade` at a university. Each key path config.yaml sets is
listed in deploy/z2jh/chart_keys.txt, checked against the chart's schema when that list was
written. With B12COURSE_Z2JH_CHART pointing at the chart's ``jupyterhub/`` folder (a clone of
github.com/jupyterhub/zero-to-jupyterhub-k8s), the keys and the merged values are validated
against that schema here too; without it those two tests skip and say so.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from b12course import hub
from b12course.sources.paths import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
CONFIG = DEPLOY / "z2jh" / "config.yaml"
KEYS = DEPLOY / "z2jh" / "chart_keys.txt"
CHART_VARIABLE = "B12COURSE_Z2JH_CHART"


def _config() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def _listed() -> list[str]:
    lines = KEYS.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def key_paths(values: dict, prefix: str = "") -> list[str]:
    """Every dotted key path in a values mapping, down to its leaves."""
    paths = []
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            paths.extend(key_paths(value, path + "."))
        else:
            paths.append(path)
    return paths


def _covered(path: str, listed: list[str]) -> bool:
    """Listed exactly, or under a listed free-form mapping (``a.b.*``)."""
    return path in listed or any(e.endswith(".*") and path.startswith(e[:-1]) for e in listed)


def test_config_parses_and_every_key_is_one_checked_against_the_chart():
    config = _config()
    assert isinstance(config, dict) and config
    unlisted = [p for p in key_paths(config) if not _covered(p, _listed())]
    assert not unlisted, (
        f"{CONFIG.relative_to(REPO_ROOT)} sets keys not in {KEYS.relative_to(REPO_ROOT)}: "
        f"{unlisted}. Check each in the chart's values.schema.yaml (run this file with "
        f"{CHART_VARIABLE}=<clone>/jupyterhub), then list it.")


def test_students_land_on_the_start_page_in_student_mode_where_the_link_puts_the_course():
    single = _config()["singleuser"]
    assert single["defaultUrl"] == "/" + hub.start_page(hub.DEFAULT_TARGET)
    pull = single["lifecycleHooks"]["postStart"]["exec"]["command"]
    words = shlex.split(pull[-1])
    home = "/home/jovyan"  # the chart's default singleuser.storage.homeMountPath
    assert words[0] == "gitpuller" and words[2:4] == ["main", f"{home}/{hub.DEFAULT_TARGET}"]
    assert "|| true" in pull[-1]  # a failed pull never stops the student's server starting


def test_limits_hold_what_was_measured():
    """Measured (deploy/README.md): a kernel up to 167 MiB, the server up to 154 MiB."""
    single = _config()["singleuser"]
    mebibytes = {"M": 10**6 / 2**20, "G": 10**9 / 2**20}

    def mib(text: str) -> float:
        return float(text[:-1]) * mebibytes[text[-1]]

    guarantee, limit = mib(single["memory"]["guarantee"]), mib(single["memory"]["limit"])
    assert guarantee >= 154 + 167 and limit >= 154 + 4 * 167
    assert 0 < single["cpu"]["guarantee"] < single["cpu"]["limit"]
    assert single["cpu"]["limit"] >= 1  # an explorer redraw needs ~150 ms of a whole core
    assert _config()["cull"]["enabled"] is True and _config()["cull"]["timeout"] > 0


def _chart() -> Path:
    folder = os.environ.get(CHART_VARIABLE, "").strip()
    if not folder:
        pytest.skip(f"{CHART_VARIABLE} is not set: the Zero to JupyterHub schema check needs the "
                    "chart's jupyterhub/ folder (git clone https://github.com/jupyterhub/"
                    "zero-to-jupyterhub-k8s)")
    chart = Path(folder)
    if not (chart / "values.schema.yaml").is_file():
        pytest.fail(f"{CHART_VARIABLE}={folder} has no values.schema.yaml", pytrace=False)
    return chart


def _schema_node(schema: dict, path: str) -> dict | None:
    node = schema
    for part in path.removesuffix(".*").split("."):
        node = (node.get("properties") or {}).get(part)
        if node is None:
            return None
    return node


def test_listed_keys_exist_in_the_charts_schema():
    schema = yaml.safe_load((_chart() / "values.schema.yaml").read_text(encoding="utf-8"))
    missing = [p for p in _listed() if _schema_node(schema, p) is None]
    assert not missing, f"not in the chart's schema: {missing}"
    closed = [p for p in _listed() if p.endswith(".*")
              and _schema_node(schema, p).get("additionalProperties") is False]
    assert not closed, f"listed as free-form but the schema forbids extra keys: {closed}"


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = (_merge(merged[key], value)
                       if isinstance(value, dict) and isinstance(merged.get(key), dict) else value)
    return merged


def test_config_merged_over_the_charts_defaults_validates_as_helm_would():
    jsonschema = pytest.importorskip("jsonschema")
    chart = _chart()
    schema = yaml.safe_load((chart / "values.schema.yaml").read_text(encoding="utf-8"))
    defaults = yaml.safe_load((chart / "values.yaml").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(_merge(defaults, _config())), key=str)
    assert not errors, "\n".join(f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors)
    bad = _merge(defaults, {"singleuser": {"defaultURL": "/voila"}})  # the check can fail
    assert any("defaultURL" in e.message for e in validator.iter_errors(bad))


# --- the single-server jupyterhub_config.py ------------------------------------------------------

def _load_single_server(monkeypatch) -> object:
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("B12_COURSE_REPO", "https://git.example.edu/b12/course.git")
    monkeypatch.setenv("B12_INSTRUCTORS", "rivera,okafor")
    return PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()


def test_single_server_login_pulls_the_course_then_opens_the_start_page(monkeypatch):
    config = _load_single_server(monkeypatch)
    url = urlsplit(config.Spawner.default_url)
    assert url.path == "/git-pull"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {"repo": "https://git.example.edu/b12/course.git", "branch": "main",
                     "targetpath": hub.DEFAULT_TARGET,
                     "urlpath": hub.start_page(hub.DEFAULT_TARGET)}
    link = hub.hub_link("https://hub.example.edu", query["repo"])  # `b12course hub-link`
    assert link.endswith(config.Spawner.default_url.lstrip("/"))  # one way in, two doors
    assert config.Authenticator.admin_users == {"rivera", "okafor"}


def test_single_server_culls_idle_servers_and_limits_each_student(monkeypatch):
    config = _load_single_server(monkeypatch)
    (culler,) = config.JupyterHub.services
    assert culler["command"][:3] == [sys.executable, "-m", "jupyterhub_idle_culler"]
    assert any(arg.startswith("--timeout=") for arg in culler["command"])
    (role,) = config.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]
    assert config.Spawner.mem_limit == _config()["singleuser"]["memory"]["limit"]
