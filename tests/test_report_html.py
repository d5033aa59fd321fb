"""`npcworld report DIR --html OUT`: one self-contained page with the run's pictures, and vitals.jsonl behind it."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from game.cli import main


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fourteen scripted hours of Oakvale: conversations, news of Tomas's party spreading, a refused talk or two."""
    out = tmp_path_factory.mktemp("report") / "run"
    assert main(["simulate", "--hours", "14", "--seed", "7", "--out", str(out), "--quiet", "--brain", "scripted",
                 "--embedder", "hash"]) == 0
    return out


def test_vitals_sample_every_resident_each_game_hour(run: Path) -> None:
    lines = [json.loads(line) for line in (run / "vitals.jsonl").read_text().splitlines()]
    assert len(lines) == 15 and [line["time"] for line in lines[:3]] == ["06:30", "07:30", "08:30"]
    assert set(lines[0]["residents"]) == set(json.loads((run / "summary.json").read_text())["residents"])
    mara = [line["residents"]["mara"] for line in lines]
    assert all(0 <= v[need] <= 100 for v in mara for need in ("energy", "hunger", "social", "fun"))
    assert all(-1 <= v["valence"] <= 1 for v in mara)
    assert mara[-1]["energy"] < mara[0]["energy"], "a day awake tires her"
    assert len({v["hunger"] for v in mara}) > 3, "hunger falls and meals raise it"


def test_the_page_embeds_every_picture_and_the_tables(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page_path = run.parent / "page" / "report.html"
    assert main(["report", str(run), "--html", str(page_path)]) == 0
    assert "plan_blocks" in capsys.readouterr().out, "the text report still prints"
    page = page_path.read_text(encoding="utf-8")
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings == ["Figures", "Where residents spent their time", "Who talked to whom", "Needs and mood",
                        "Model calls and latency", "How news spread", "Plan blocks kept", "Rejected intents"]
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 6, "heat map, talk graph, needs and mood, model calls, news, plans kept"
    pygame = pytest.importorskip("pygame")
    sizes = [pygame.image.load(io.BytesIO(base64.b64decode(data))).get_size() for data in images]
    assert all(w >= 600 and h >= 250 for w, h in sizes), sizes
    assert not re.search(r'(src|href)="(?!data:)', page), "self-contained: nothing to fetch"
    events = [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]
    told = [e for e in events if e["type"] == "news_learned"]
    assert told and page.count("Tomas&#x27;s party for the cafe&#x27;s tenth birthday") == len(told)
    refused = [e for e in events if e["type"] == "intent_rejected"]
    assert refused and all(e["reason"] in page for e in refused)


def test_a_run_without_vitals_still_reports(run: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(run, old)
    (old / "vitals.jsonl").unlink()
    page = (tmp_path / "r.html")
    assert main(["report", str(old), "--html", str(page)]) == 0
    assert "This run has no vitals.jsonl" in page.read_text()


def test_an_unwritable_page_is_a_clear_error(run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["report", str(run), "--html", str(blocker / "r.html")]) == 2
    assert f"cannot write {blocker / 'r.html'}" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed (Debian: apt install chromium)")
def test_chromium_draws_the_page(run: Path, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    assert main(["report", str(run), "--html", str(page)]) == 0
    shot = tmp_path / "shot.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1200,5000", f"--screenshot={shot}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    pygame = pytest.importorskip("pygame")
    image = pygame.image.load(str(shot))
    assert image.get_size() == (1200, 5000)
    colours = {tuple(image.get_at((x, y)))[:3] for x in range(0, 1200, 7) for y in range(800, 5000, 11)}
    assert len(colours) > 500, "the pictures were drawn (a page of text and empty boxes has few colours)"


def test_a_page_interrupted_while_written_leaves_the_older_page_and_the_next_run_no_leftover(
        run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "r.html"
    page.write_text("<html>the older page</html>")
    real = Path.write_text

    def half_then_killed(self: Path, text: str, *args: object, **kwargs: object) -> int:
        real(self, text[: len(text) // 2], encoding="utf-8")
        raise KeyboardInterrupt
    monkeypatch.setattr(Path, "write_text", half_then_killed)
    assert main(["report", str(run), "--html", str(page)]) == 130
    monkeypatch.undo()
    assert page.read_text() == "<html>the older page</html>", "never half a page under its name"
    assert (tmp_path / "r.html.tmp").exists()
    assert main(["report", str(run), "--html", str(page)]) == 0
    assert page.read_text().rstrip().endswith("</html>") and not (tmp_path / "r.html.tmp").exists()
