"""The deploy's warm-up (warm_up.py) against a real server: the map and Trends run; failures are named."""

import subprocess
import sys
from pathlib import Path

import pytest

import warm_up
from tests.browser import running_app

ROOT = Path(__file__).resolve().parent.parent


def _warm_up(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python warm_up.py ...`` as the Dockerfile does (its own process and event loop)."""
    return subprocess.run([sys.executable, "warm_up.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=180)


def test_the_endpoints_keep_the_base_path_and_the_scheme():
    assert warm_up._endpoints("http://127.0.0.1:8501") == (
        "http://127.0.0.1:8501/_stcore/health",
        "ws://127.0.0.1:8501/_stcore/stream",
    )
    assert warm_up._endpoints("https://example.org/lv/") == (
        "https://example.org/lv/_stcore/health",
        "wss://example.org/lv/_stcore/stream",
    )
    with pytest.raises(ValueError, match="'ftp://x' is not an http"):
        warm_up._endpoints("ftp://x")


def test_a_warm_up_runs_the_map_and_the_trends_page_of_the_real_app(app_url):
    done = _warm_up(app_url, "--query", "g=GM0363", "--timeout", "60")
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0].startswith("warm_up: map page ran in") and out[0].endswith(": ok")
    assert out[1].startswith("warm_up: trends page ran in") and out[1].endswith(": ok")
    assert out[2].startswith(f"warm_up: the server at {app_url} is warm")


def test_a_server_with_a_damaged_dataset_fails_the_warm_up_with_the_apps_message(tmp_path):
    with running_app(env={"LEEFBAARHEID_DATA": str(tmp_path)}) as url:
        done = _warm_up(url, "--timeout", "60")
    assert done.returncode == 1
    assert f"error shown: dataset folder {tmp_path} has no manifest.json" in done.stdout
    assert f"python -m geo build --out {tmp_path}`" in done.stdout  # the fix, without Markdown escapes
    assert "a page failed" in done.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ftp://x"], "'ftp://x' is not an http(s) URL"),
        (
            ["http://127.0.0.1:9", "--timeout", "1"],
            "no server answered at http://127.0.0.1:9/_stcore/health within 1 s",
        ),
    ],
)
def test_no_server_or_a_bad_url_is_exit_2_with_the_fix(argv, message, capsys):
    assert warm_up.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "start it first" in err or "give the server's address" in err


def test_a_server_under_a_base_path_is_found_with_it_and_named_without_it():
    with running_app(base_path="lv") as url:
        assert url.endswith("/lv")
        wrong = url.removesuffix("/lv")
        done = _warm_up(wrong, "--timeout", "30")
        assert done.returncode == 2
        assert done.stderr.strip() == (
            f"warm_up: the server answered 'not found' for {wrong}/_stcore/health; if it runs with "
            "--server.baseUrlPath, give that path in the URL, e.g. http://127.0.0.1:8501/lv"
        )
        right = _warm_up(url, "--timeout", "60")
        assert right.returncode == 0, right.stderr
        assert f"the server at {url} is warm" in right.stdout


@pytest.mark.parametrize("timeout", ["-1", "0"])
def test_a_timeout_that_is_not_positive_is_refused(timeout, capsys):
    with pytest.raises(SystemExit) as stop:
        warm_up.main(["http://127.0.0.1:9", "--timeout", timeout])
    assert stop.value.code == 2
    assert f"--timeout {timeout}: give the seconds to wait, more than 0" in capsys.readouterr().err
