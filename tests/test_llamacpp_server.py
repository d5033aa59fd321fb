"""The openai brain against a real llama.cpp server (llama-cpp-python), when it is installed.

`pip install "llama-cpp-python[server]"` compiles llama.cpp (about ten minutes on two cores, then pip caches
the wheel); without it this test is skipped and says why. The server is the one many users run: it refuses
`response_format` of type `json_schema`, so the brain must step down to `json_object` and still answer.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from agents.brains.basemodels import lookup, source_files
from agents.brains.openai import OpenAIBrain
from game.world.simulation import Simulation

pytestmark = [pytest.mark.slow,  # about four minutes: `make test-slow` runs it
              pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                                 reason="llama-cpp-python is not installed (pip install 'llama-cpp-python[server]')")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    gguf = source_files(lookup("smollm2"))[0]
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("w") as sink:
        process = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--port",
                                    str(port), "--n_ctx", "2048", "--n_threads", "1"], stdout=sink, stderr=sink)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/models", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"the llama.cpp server exited: {log.read_text()[-600:]}")
                time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_real_llama_cpp_server_runs_the_town(llama_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    brain = OpenAIBrain(llama_server, timeout=60.0, per_server=1, retries=1)
    with Simulation("oakvale", seed=5, brain=brain) as sim:
        sim.run(minutes=40)
        records = sim.trace.records
    assert brain.dialect == "json_object", "llama.cpp refuses json_schema; the brain stepped down"
    assert "refused response_format 'json_schema'" in capsys.readouterr().err
    answered = [r for r in records if r["error"] is None]
    assert records and len(answered) >= 0.9 * len(records), [r["error"] for r in records if r["error"]][:3]
    rated = [r for r in answered if r["kind"] == "importance"]
    assert rated and all(r["reply"].strip().endswith("}") for r in rated), "ratings are not cut short by the limit"
