"""The house rules: one-way imports, nothing heavy on import, documentation that runs."""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "pyarrow", "sqlalchemy", "dask", "pandas", "yaml", "rich")


def test_import_contracts_are_kept() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports is not None, "import-linter is part of the dev extra"
    done = subprocess.run([lint_imports], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("module", ["thrustlab", "thrustlab.cli"])
def test_importing_loads_nothing_heavy(module: str) -> None:
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_public_api_resolves_lazily() -> None:
    import thrustlab

    for name in thrustlab.__all__:
        assert getattr(thrustlab, name) is not None


def test_the_explanation_package_resolves_each_public_name_lazily() -> None:
    from thrustlab import explanation

    assert sorted(explanation.__all__) == sorted(explanation._HOMES)
    for name in explanation.__all__:
        assert getattr(explanation, name) is not None


def test_api_functions_stay_functions_once_the_packages_are_imported() -> None:
    """No package shares a name with a public function, so importing the packages never
    hides one."""
    import thrustlab
    import thrustlab.explanation
    import thrustlab.measurement
    import thrustlab.readers

    recording, _ = thrustlab.simulate_set(thrustlab.SimulationSpec(seed=1, n_reps=3))
    assert isinstance(recording, thrustlab.Recording)
    findings = thrustlab.analyse(recording)
    assessment = thrustlab.explain(findings, thrustlab.Answers(rpe=8))
    assert findings.set.rep_count == 3 and assessment.verdict in ("normal", "caution", "stop")
    for name in ("process", "read", "analyse", "explain", "render_report", "simulate_set"):
        assert inspect.isfunction(getattr(thrustlab, name)), name


def test_the_readme_python_example_runs(tmp_path: Path) -> None:
    from thrustlab.recording import Recording
    from thrustlab.simulate import SimulationSpec, simulate_set, to_csv_text

    recording, _ = simulate_set(SimulationSpec(seed=2, n_reps=4))
    assert isinstance(recording, Recording)
    (tmp_path / "set.csv").write_text(to_csv_text(recording))
    text = (ROOT / "README.md").read_text()
    (example,) = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    done = subprocess.run(
        [sys.executable, "-c", example], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "4"


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh|console)?\n(.*?)```", text, flags=re.DOTALL)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("thrustlab ")]


def test_readme_shows_the_two_setup_commands() -> None:
    text = (ROOT / "README.md").read_text()
    assert "make demo" in text and "make test" in text
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_option_the_readme_uses_exists() -> None:
    commands = _readme_commands()
    assert len(commands) >= 5
    for command in commands:
        words = command.split()
        sub = [w for w in words[1:] if not w.startswith("-")][:2]
        sub = sub[:2] if sub[:1] == ["log"] else sub[:1]
        done = subprocess.run(
            [sys.executable, "-m", "thrustlab.cli", *sub, "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, (command, done.stderr)
        for option in (w.split("=")[0] for w in words if w.startswith("--")):
            assert option in done.stdout, (
                f"README uses {option} in '{command}', which --help does not list"
            )
