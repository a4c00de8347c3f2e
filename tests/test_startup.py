"""Start-up: what ``thrustlab analyze FILE --json`` loads, and the benchmarks' gate helper.

The time itself is measured by ``benchmarks/bench_cli.py`` (a machine's load makes it no test);
these tests keep out what made it slow: pydantic (typer 0.29 coerces every option through it),
rich (only the terminal output and the video progress bar draw), ``pyarrow.compute`` (only
cells that are text need it), scipy, the video path, YAML (the knowledge base's JSON copy is
read), SQLAlchemy (1 s of imports to find that there is no training log), the other formats'
readers and the zip modules (a plain CSV needs neither), and the history checks (without a log
or a load there is nothing to check).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from thrustlab.cli import COMMANDS
from thrustlab.explanation.knowledge import knowledge_yaml_as_json, load_knowledge, parse_knowledge
from thrustlab.recording import Recording
from thrustlab.simulate import SimulationSpec, simulate_set, to_csv_text

ROOT = Path(__file__).resolve().parents[1]
NOT_FOR_JSON = (
    "pydantic",
    "rich",
    "pyarrow.compute",
    "scipy",
    "thrustlab.video",
    "thrustlab.report",
    "sqlalchemy",  # only when there is a training log to read
    "statistics",  # 20 ms to import for two means
    "yaml",  # the knowledge base is read from its JSON copy; YAML only for an answers file
    "thrustlab.readers.sensorlogger",  # a plain CSV: only the generic reader
    "thrustlab.readers.phyphox",
    "zipfile",  # only for a zip export
    "thrustlab.explanation.history",  # nine dataclasses: only with a training log or a load
    *(f"thrustlab.cli.{name}" for name in ("log", "check", "demo", "batch", "serve")),
)
RUN = """
import contextlib, io, json, sys
from thrustlab.cli import main
sys.argv = ["thrustlab", *sys.argv[1:]]
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main()
    except SystemExit as done:
        assert not done.code, done.code
loaded = [m for m in {modules!r} if m in sys.modules]
print(json.dumps({{"loaded": loaded, "reps": json.loads(out.getvalue())["set"]["rep_count"]}}))
"""


def _analyze_json(code: str, tmp_path: Path, *, n_reps: int) -> subprocess.CompletedProcess[str]:
    """``code`` run in a new process as ``thrustlab analyze SET --json`` on a simulated set
    of ``n_reps``, with no training log (a first run)."""
    recording, _ = simulate_set(SimulationSpec(seed=n_reps - 1, n_reps=n_reps))
    assert isinstance(recording, Recording)
    path = tmp_path / "set.csv"
    path.write_text(to_csv_text(recording))
    env = {k: v for k, v in os.environ.items() if k != "THRUSTLAB_DATABASE_URL"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-c", code, "analyze", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_analyze_json_loads_nothing_it_does_not_use(tmp_path: Path) -> None:
    done = _analyze_json(RUN.format(modules=NOT_FOR_JSON), tmp_path, n_reps=5)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["reps"] == 5  # it did analyse the set
    assert result["loaded"] == []


def test_main_leaves_what_the_imports_made_to_the_operating_system_at_exit(
    tmp_path: Path,
) -> None:
    """The interpreter's last collections would walk and free every object the imports made
    (20-40 ms, a sixth of the parse-only process): by the end of the exit handlers they are
    frozen, out of the collector's sight, and the output is still complete."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen:', gc.get_freeze_count(), file=sys.stderr))\n"
        "from thrustlab.cli import main\n"
        "sys.argv = ['thrustlab', *sys.argv[1:]]\n"
        "main()\n"
    )
    done = _analyze_json(code, tmp_path, n_reps=4)
    assert json.loads(done.stdout)["set"]["rep_count"] == 4  # stdout flushed whole
    frozen = int(done.stderr.split("frozen:")[1].split()[0])  # the handler above runs last
    assert frozen > 10_000  # numpy, pyarrow, typer and the analysis: about 36,000 objects


@pytest.mark.parametrize(("given", "used"), [(None, "1"), ("2", "2")])
def test_numpy_gets_one_blas_thread_unless_the_user_chose(
    monkeypatch: pytest.MonkeyPatch, given: str | None, used: str
) -> None:
    """OpenBLAS's idle threads spin (100 ms of processor time a command, for 3 x 3
    matrices): ``main`` asks for one before a command imports numpy."""
    import importlib

    from thrustlab.cli import main

    if given is None:
        monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", given)
    seen: list[str | None] = []
    module = importlib.import_module(COMMANDS["check"])
    monkeypatch.setattr(
        module, "check", lambda: seen.append(os.environ.get("OPENBLAS_NUM_THREADS"))
    )
    monkeypatch.setattr(sys, "argv", ["thrustlab", "check"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 0
    assert seen == [used]


def test_help_lists_every_command_though_main_builds_only_the_one_that_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "thrustlab.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert done.returncode == 0, done.stderr
    listed = done.stdout.split("Commands:")[1].split()
    assert [word for word in listed if word in COMMANDS] == list(COMMANDS)


def test_help_builds_the_answer_options_without_the_explanation_itself() -> None:
    code = (
        "import contextlib, io, sys\n"
        "from thrustlab.cli import main\n"
        "sys.argv = ['thrustlab', '--help']\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main()\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "thrustlab.explanation.questions" in loaded  # the options are generated from it
    not_needed = ("numpy", "thrustlab.findings", "thrustlab.explanation.knowledge")
    assert [name for name in not_needed if name in loaded] == []


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")
def test_the_knowledge_base_is_read_by_libyaml_as_the_python_parser_reads_it() -> None:
    text = (ROOT / "src" / "thrustlab" / "explanation" / "knowledge.yaml").read_text("utf-8")
    assert yaml.load(text, Loader=yaml.CSafeLoader) == yaml.safe_load(text)


def test_the_knowledge_base_is_read_from_its_json_copy_which_matches_the_yaml() -> None:
    copy = (ROOT / "src" / "thrustlab" / "explanation" / "knowledge.json").read_text("utf-8")
    assert copy == knowledge_yaml_as_json(), (
        "knowledge.json is out of date: after changing knowledge.yaml run "
        "python -c 'from thrustlab.explanation.knowledge import write_knowledge_json as w; w()'"
    )
    text = (ROOT / "src" / "thrustlab" / "explanation" / "knowledge.yaml").read_text("utf-8")
    assert load_knowledge() == parse_knowledge(yaml.safe_load(text))


def _repeats() -> object:
    spec = importlib.util.spec_from_file_location("repeats", ROOT / "benchmarks" / "repeats.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["repeats"] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def test_a_gate_is_judged_on_the_median_of_at_least_five_repeats(
    capsys: pytest.CaptureFixture[str],
) -> None:
    repeats: object = _repeats()
    ratio = repeats.ratio  # type: ignore[attr-defined]
    lucky = ratio("x / y", [1.0, 1.0, 1.0, 1.0, 4.0], [1.0, 1.0, 1.0, 1.0, 1.0])
    assert lucky.median == 1.0 and lucky.judge(at_most=1.5)
    unlucky = ratio("x / y", [2.0, 2.0, 2.0, 0.5, 0.5], [1.0] * 5)  # best run 0.5: still missed
    assert not unlucky.judge(at_most=1.5)
    assert not ratio("x / y", [1.0] * 4, [1.0] * 4).judge(at_most=1.5)  # too few repeats
    printed = capsys.readouterr().out.splitlines()
    assert printed[1] == (
        "x / y: 2.00x median (range 0.50-2.00, 5 repeats); target <= 1.5x: MISSED"
    )
    times = repeats.interleaved(  # type: ignore[attr-defined]
        {"a": lambda: None, "b": lambda: None}, repeats=5
    )
    assert {k: len(v) for k, v in times.items()} == {"a": 5, "b": 5}
