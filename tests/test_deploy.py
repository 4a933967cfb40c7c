"""The Dockerfile ships what the app imports (no Docker needed: the COPY lines are read as text)."""

import ast
import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _copied() -> list[str]:
    """The source patterns of the Dockerfile's COPY lines (relative to the project)."""
    patterns = []
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words[:1] == ["COPY"]:
            patterns += [w.rstrip("/") for w in words[1:-1] if not w.startswith("--")]
    return patterns


def _local_imports(path: Path) -> set[str]:
    """Top-level modules of the project that ``path`` imports (at any depth of the file)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return {n for n in names if (ROOT / f"{n}.py").exists() or (ROOT / n / "__init__.py").exists()}


def _copies(pattern: str, path: str) -> bool:
    """Whether ``COPY <pattern>`` copies ``path``: a folder copies what is below it; ``*`` never crosses a ``/``."""
    if path.startswith(pattern + "/"):
        return True
    parts, wanted = path.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, wanted, strict=True))


def test_a_pattern_copies_what_docker_copies():
    assert _copies("*.py", "app.py") and _copies("geo", "geo/__init__.py") and _copies("pages", "pages/data.py")
    assert not _copies("*.py", "newpkg/__init__.py")  # COPY *.py copies the top level only
    assert not _copies("app.py", "ui.py")


def test_the_image_holds_every_module_the_app_and_its_pages_import():
    patterns = _copied()
    needed, todo = set(), ["app.py", *(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))]
    while todo:  # follow the imports from app.py and the pages through the project's own modules
        path = todo.pop()
        if path in needed:
            continue
        needed.add(path)
        for name in _local_imports(ROOT / path):
            todo.append(f"{name}.py" if (ROOT / f"{name}.py").exists() else f"{name}/__init__.py")
    missing = [p for p in sorted(needed) if not any(_copies(pat, p) for pat in patterns)]
    assert {"app.py", "ui.py", "controls.py", "map_view.py", "geo/__init__.py"} <= needed
    assert not missing, f"the Dockerfile does not COPY {missing}; add them (COPY lines: {patterns})"


def test_the_image_holds_the_embedded_data_leaflet_and_the_config():
    patterns = _copied()
    for folder in ("data", "static", ".streamlit", "pages", "geo"):
        assert folder in patterns, f"the Dockerfile does not COPY {folder}/"


def test_the_served_config_turns_off_the_costly_per_session_work():
    """Streamlit's file watcher and post-run gc cost each session server time (README, Benchmarks)."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["enableStaticServing"] is True  # Leaflet comes from static/


def test_the_image_warms_its_server_on_the_port_it_serves():
    """The CMD starts warm_up.py against the server's own port, and the image holds warm_up.py."""
    cmd = next(
        line for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines() if line.startswith("CMD")
    )
    port = cmd.split("--server.port=", 1)[1].split()[0].strip('"]')
    assert f"python warm_up.py http://127.0.0.1:{port} " in cmd
    assert "& exec streamlit run app.py" in cmd  # the server, not the shell, gets the container's signals
    assert any(_copies(pattern, "warm_up.py") for pattern in _copied())
