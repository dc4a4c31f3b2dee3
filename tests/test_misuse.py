"""Misuse and faults: where the output may go, builds killed or interrupted while they
publish, builds run at once, links and unreadable files, broken templates. Each case:
a message naming the file, a non-zero exit, no traceback, the previous site intact and
nothing outside the output touched."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from explorer.publish import MARKER, builds_folder

from .conftest import ROOT, copy_project

SMALL = ROOT / "tests" / "fixtures" / "small"


def run(project: Path, *args: str, prefix: tuple = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "build.py", *args], cwd=project, capture_output=True,
                          text=True, timeout=300)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file and link below folder (a link at the top is followed, as a reader would)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


def failed(result: subprocess.CompletedProcess, message: str) -> bool:
    return result.returncode != 0 and message in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project", content_from=SMALL)


# --- where the output may go -------------------------------------------------------------

@pytest.mark.parametrize("out, message", [
    (".", "the output folder would replace the project itself"),
    ("..", "the output folder would replace the project itself"),
    ("content", "the output folder is inside content/, which the build reads"),
    ("content/documents/new", "the output folder is inside content/, which the build reads"),
    ("data", "the output folder is inside data/, which the build reads"),
    ("templates", "the output folder is inside templates/, which the build reads"),
    ("docs", "holds files this build did not write, so it is not replaced"),
    ("build.py", "is a file, not a site folder"),
])
def test_the_output_folder_is_never_the_project_an_input_or_someone_elses_folder(project, out, message):
    (project / "docs").mkdir()
    (project / "docs" / "screenshot.png").write_bytes(b"\x89PNG picture")
    before = tree(project.parent)
    result = run(project, "build", "--out", out)
    assert failed(result, message), result.stderr
    assert tree(project.parent) == before


def test_the_output_may_be_new_empty_or_an_earlier_build(project):
    assert run(project, "build", "--out", "new").returncode == 0
    (project / "empty").mkdir()
    assert run(project, "build", "--out", "empty").returncode == 0
    assert (project / "empty").is_symlink() and (project / "empty" / "index.html").is_file()
    assert run(project, "build", "--out", "empty").returncode == 0
    # a plain folder a build wrote (it carries the marker) is replaced, and becomes a link
    shutil.copytree(project / "new", project / "plain")
    assert run(project, "build", "--out", "plain").returncode == 0
    assert (project / "plain").is_symlink() and (project / "plain" / MARKER).is_file()
    assert tree(project / "plain") == tree(project / "new")


def test_a_link_to_somewhere_else_is_not_replaced(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine", encoding="utf-8")
    (project / "site").symlink_to(elsewhere)
    result = run(project, "build")
    assert failed(result, "site: is a symbolic link to"), result.stderr
    assert tree(elsewhere) == {"keep.txt": b"mine"}


# --- publishing: killed at every step, builds at once, interrupted -----------------------

# Runs a build that kills itself (SIGKILL, nothing cleaned up) just before the Nth change
# to the file system made while it publishes (a call within a call, such as the unlinks
# of an rmtree, is part of its step).
KILL_AT_PUBLISH_STEP = r"""
import fcntl, os, pathlib, shutil, signal, sys
sys.path.insert(0, os.getcwd())
from explorer import publish
wanted, seen, publishing, inside = int(sys.argv[1]), [0], [False], [0]

def counted(real):
    def step(*args, **kwargs):
        if publishing[0] and not inside[0]:
            seen[0] += 1
            if seen[0] == wanted:
                os.kill(os.getpid(), signal.SIGKILL)
        inside[0] += 1
        try:
            return real(*args, **kwargs)
        finally:
            inside[0] -= 1
    return step

for module, name in [(os, "replace"), (os, "rename"), (os, "symlink"), (os, "unlink"), (os, "rmdir"),
                     (os, "mkdir"), (fcntl, "flock"), (pathlib.Path, "write_text"), (shutil, "rmtree")]:
    setattr(module, name, counted(getattr(module, name)))
real_publish = publish.Staging.publish
def publish_counted(self):
    publishing[0] = True
    real_publish(self)
publish.Staging.publish = publish_counted
import build
sys.exit(build.main(["build"]))
"""


def _leftovers(project: Path) -> list[str]:
    """What is beside the published build (and anything a build might keep between builds)."""
    current = os.readlink(project / "site").split("/")[-1]
    kept = [".cache"] if (project / ".cache").exists() else []
    return kept + sorted(p.name for p in builds_folder(project / "site").iterdir() if p.name not in (".lock", current))


def test_a_build_killed_at_each_publish_step_leaves_a_complete_site_and_the_next_build_cleans_up(project):
    document = project / "content" / "documents" / "yzf-2021-90.md"
    texts = [document.read_text(encoding="utf-8")]
    texts.append(texts[0].replace("title: ", "title: 改过的", 1))
    sites = []
    for text in texts:
        document.write_text(text, encoding="utf-8")
        assert run(project, "build").returncode == 0
        sites.append(tree(project / "site"))
    assert sites[0] != sites[1]
    kills, published = 0, 1
    for step in range(1, 60):
        # from the site published last to the other one, killed before publish step `step`
        wanted = 1 - published
        document.write_text(texts[wanted], encoding="utf-8")
        killed = subprocess.run([sys.executable, "-c", KILL_AT_PUBLISH_STEP, str(step)], cwd=project,
                                capture_output=True, text=True, timeout=120)
        if killed.returncode == 0:
            break   # past the last step: the build published
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        kills += 1
        assert tree(project / "site") in sites, f"killed before publish step {step}"
        assert run(project, "build").returncode == 0
        assert tree(project / "site") == sites[wanted]
        assert _leftovers(project) == [], f"left after the kill at step {step}"
        published = wanted
    assert kills >= 5   # the marker, the lock, the link, the rename, the clean-up at least


def test_builds_run_at_once_each_publish_a_complete_site(project):
    assert run(project, "build").returncode == 0
    expected = tree(project / "site")
    builds = [subprocess.Popen([sys.executable, "build.py", "build"], cwd=project, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True) for _ in range(6)]
    for process in builds:
        assert process.wait(timeout=120) == 0, process.stderr.read()
        assert tree(project / "site") == expected
    assert run(project, "build").returncode == 0
    assert _leftovers(project) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_build_stops_cleanly_and_keeps_the_site(tmp_path, signum):
    project = copy_project(tmp_path / "project")   # the whole corpus: long enough to interrupt
    assert run(project, "build").returncode == 0
    before = tree(project / "site")
    builds = builds_folder(project / "site")
    process = subprocess.Popen([sys.executable, "build.py", "build"], cwd=project, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    current = os.readlink(project / "site").split("/")[-1]
    while (not [p for p in builds.iterdir() if p.is_dir() and p.name != current] and process.poll() is None
           and time.monotonic() < deadline):
        time.sleep(0.005)   # the build is writing its pages once its folder is there
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted; site/ left unchanged" in stderr and "Traceback" not in stderr
    assert tree(project / "site") == before
    assert _leftovers(project) == []


# --- links, folders, templates -------------------------------------------------------------

@pytest.mark.parametrize("link, target", [
    ("static/js/leak.js", "../../.git/config"),
    ("templates/_leak.html", "/etc/passwd"),
    ("content/sources", "/etc"),
])
def test_a_symbolic_link_in_an_input_folder_is_refused(project, link, target):
    assert run(project, "build").returncode == 0
    before = tree(project / "site")
    path = project / link
    if path.is_dir():
        shutil.rmtree(path)
    path.symlink_to(target)
    result = run(project, "build")
    assert failed(result, f"{link}: symbolic link (to {target}): links are not followed"), result.stderr
    assert tree(project / "site") == before


@pytest.mark.parametrize("template, edit, message", [
    ("404.html", ("{% block main %}", "{% block main %}{% if %}"),
     "templates/404.html:2: template syntax error: Expected an expression, got 'end of statement block'"),
    ("404.html", ("<h1>页面不存在</h1>", "<h1>{{ no_such_value }}</h1>"),
     "templates/404.html:3: UndefinedError: 'no_such_value' is undefined (rendering 404.html)"),
    ("404.html", ("{% block main %}", '{% block main %}{% include "_missing.html" %}'),
     "templates/404.html:2: template not found: _missing.html (rendering 404.html)"),
    ("document.html", ("{{ doc.title }}", "{{ doc.title | no_such_filter }}"),
     "templates/document.html:"),
])
def test_a_template_error_is_reported_at_its_line(project, template, edit, message):
    assert run(project, "build").returncode == 0
    before = tree(project / "site")
    path = project / "templates" / template
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    result = run(project, "build")
    assert failed(result, message), result.stderr
    assert tree(project / "site") == before


def test_a_missing_static_folder_is_reported(project):
    shutil.rmtree(project / "static")
    result = run(project, "build")
    assert failed(result, "static: folder is missing"), result.stderr
    assert not (project / "site").exists()


def test_a_site_url_with_a_line_break_is_refused(project):
    result = subprocess.run([sys.executable, "build.py", "build"], cwd=project, capture_output=True, text=True,
                            env={**os.environ, "SITE_URL": "https://example.org/x/\nDisallow: /"}, timeout=120)
    assert failed(result, "SITE_URL: must be an http:// or https:// address"), result.stderr
    assert not (project / "site").exists()


def test_two_sources_that_import_to_one_id_do_not_overwrite_each_other(project):
    text = "宁波市人民政府办公厅关于示例事项的通知\n\n各区县（市）人民政府：\n\n现将有关事项通知如下。\n"
    for name in ("900_a.txt", "900_b.txt"):
        (project / "content" / "sources" / name).write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "data" / "doc_prefixes.yaml", project / "data")
    out = project / "drafts"
    first = run(project, "import", "content/sources/900_a.txt", "--out", str(out))
    assert first.returncode == 0, first.stderr
    written = sorted(out.iterdir())
    assert len(written) == 1
    before = written[0].read_bytes()
    second = run(project, "import", "content/sources/900_b.txt", "--out", str(out))
    assert failed(second, "already holds a document imported from 900_a.txt; not overwritten by 900_b.txt"), \
        second.stderr
    assert written[0].read_bytes() == before and sorted(out.iterdir()) == written


# --- as a user without the rights ---------------------------------------------------------

def _unprivileged_prefix() -> tuple:
    return ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--") if os.geteuid() == 0 else ()


@pytest.fixture
def own_project():
    """A project another user can build (root runs the build as nobody: root reads anything)."""
    folder = Path(tempfile.mkdtemp(prefix="explorer-"))
    folder.chmod(0o755)
    project = copy_project(folder / "project", content_from=SMALL)
    prefix = _unprivileged_prefix()
    if prefix:
        shutil.chown(folder, 65534, 65534)
        for path in [project, *project.rglob("*")]:
            os.chown(path, 65534, 65534, follow_symlinks=False)
        probe = subprocess.run([*prefix, sys.executable, "-c", "import jinja2, yaml"], capture_output=True)
        if probe.returncode != 0:
            shutil.rmtree(folder)
            pytest.skip("the test environment's Python cannot be run by another user")
    yield project
    for path in [project, *project.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


@pytest.mark.parametrize("path, mode, message", [
    ("content/sources/sample.txt", 0o000, "content/sources/sample.txt: cannot read file: Permission denied"),
    ("templates/404.html", 0o000, "templates/404.html: cannot read template: Permission denied"),
    ("content/documents", 0o000, "content/documents: cannot read folder: Permission denied"),
    (".", 0o555, "cannot write the site: Permission denied"),
])
def test_what_cannot_be_read_or_written_is_named(own_project, path, mode, message):
    prefix = _unprivileged_prefix()
    assert run(own_project, "build", prefix=prefix).returncode == 0
    before = tree(own_project / "site")
    targets = [own_project / path]
    if path == ".":   # a read-only project: every folder in it
        targets += [p for p in own_project.rglob("*") if p.is_dir() and not p.is_symlink()]
    for target in targets:
        target.chmod(mode)
    result = run(own_project, "build", prefix=prefix)
    assert failed(result, message), result.stderr
    assert tree(own_project / "site") == before
