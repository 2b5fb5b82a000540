"""Reading a `nyx export`: its manifest, its files (checked against their SHA-256), and each line
as the record TRL's trainers take, streamed line by line.

An export is what `nyx export KIND --format F --out STEM.jsonl` wrote: STEM.jsonl (training part),
STEM.val.jsonl (validation part, when there is one) and STEM.manifest.json, which lists the files
with their line counts and hashes. Lines become TRL's conversational records without Nyx's
`metadata`:

  sft          {"messages": [...]}                         (TRL and OpenAI lines alike)
  preferences  {"prompt": [...], "chosen": [...], "rejected": [...]}
               (OpenAI's input.messages / preferred_output / non_preferred_output renamed)
  kto          {"prompt": [...], "completion": [...], "label": bool}
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from .errors import RecipeError

KINDS = ("sft", "preferences", "kto")
FORMATS = ("trl", "openai")
ROLES = ("system", "user", "assistant", "tool")


@dataclass(frozen=True)
class Part:
    split: str  # "train" or "validation"
    path: Path
    lines: int
    sha256: str


@dataclass(frozen=True)
class Export:
    manifest_path: Path
    kind: str
    format: str
    base_model: Optional[str]
    specialists: Tuple[str, ...]  # those with lines, "(none)" for base-model answers
    parts: Tuple[Part, ...]

    def part(self, split: str) -> Optional[Part]:
        return next((p for p in self.parts if p.split == split), None)


def manifest_of(path: Path) -> Path:
    """The manifest of an export given by its manifest or by its training file."""
    if path.name.endswith(".manifest.json"):
        return path
    stem = path.name[:-len(".jsonl")] if path.name.endswith(".jsonl") else path.name
    return path.with_name(stem + ".manifest.json")


def open_export(path) -> Export:
    """Reads the manifest; refuses one that is not a Nyx export manifest, naming what is wrong."""
    m_path = manifest_of(Path(path))
    try:
        m = json.loads(m_path.read_text("utf-8"))
    except OSError as e:
        raise RecipeError(
            f"--export: no manifest at {m_path} ({e.strerror}); export with "
            f"`nyx export ... --out FILE`, which writes one") from e
    except ValueError as e:
        raise RecipeError(f"--export: {m_path} is not JSON: {e}") from e
    if not isinstance(m, dict) or m.get("nyx_export_manifest") != 1:
        raise RecipeError(f"--export: {m_path} is not a Nyx export manifest (version 1)")
    kind, fmt = m.get("kind"), m.get("format")
    if kind not in KINDS or fmt not in FORMATS:
        raise RecipeError(f"{m_path}: unknown kind {kind!r} or format {fmt!r}")
    parts = []
    for f in m.get("files", []):
        parts.append(Part(f["split"], m_path.parent / f["path"], int(f["lines"]), f["sha256"]))
    if not any(p.split == "train" for p in parts):
        raise RecipeError(f"{m_path}: lists no training file")
    by_specialist = m.get("counts", {}).get("by_specialist", {})
    specialists = tuple(sorted(s for s, n in by_specialist.items() if sum(n.values()) > 0))
    base = m.get("base_model")
    return Export(m_path, kind, fmt, base if isinstance(base, str) and base else None,
                  specialists, tuple(parts))


def verify(export: Export) -> None:
    """Checks each file against the manifest's SHA-256 and line count: no truncated or edited
    data trains an adapter."""
    for p in export.parts:
        h = hashlib.sha256()
        lines = 0
        try:
            with p.path.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
                    lines += chunk.count(b"\n")
        except OSError as e:
            raise RecipeError(f"{p.path}: cannot read ({e.strerror})") from e
        if h.hexdigest() != p.sha256:
            raise RecipeError(
                f"{p.path}: SHA-256 {h.hexdigest()} is not the manifest's {p.sha256}: the file "
                f"changed after the export")
        if lines != p.lines:
            raise RecipeError(f"{p.path}: {lines} lines, the manifest says {p.lines}")


def records(export: Export, split: str, specialist: Optional[str] = None) -> Iterator[dict]:
    """The part's lines as TRL records, one at a time; only `specialist`'s when given (TRL lines
    carry it in their metadata; OpenAI lines do not, so their export must hold one specialist)."""
    part = export.part(split)
    if part is None:
        return
    if specialist is not None and export.format == "openai" and export.specialists != (specialist,):
        raise RecipeError(
            f"--specialist {specialist}: {export.manifest_path} holds OpenAI lines of "
            f"{', '.join(export.specialists) or 'no specialist'}, which carry no specialist to "
            f"select by; export with --specialist {specialist} or --format trl")
    with part.path.open("r", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{part.path}:{number}"
            try:
                obj = json.loads(line)
            except ValueError as e:
                raise RecipeError(f"{where}: not JSON: {e}") from e
            if not isinstance(obj, dict):
                raise RecipeError(f"{where}: not a JSON object")
            if specialist is not None and export.format == "trl":
                if (obj.get("metadata") or {}).get("specialist") != specialist:
                    continue
            yield convert(obj, export.kind, export.format, where)


def convert(obj: dict, kind: str, fmt: str, where: str) -> dict:
    """One line as a TRL record, checked; the error names the line and the field."""
    if kind == "sft":
        messages = _chat(obj.get("messages"), "messages", where)
        if messages[-1]["role"] != "assistant":
            raise RecipeError(f"{where}: 'messages' must end with the assistant's answer")
        return {"messages": messages}
    if kind == "preferences":
        if fmt == "openai":
            inp = obj.get("input")
            prompt = _chat(inp.get("messages") if isinstance(inp, dict) else None,
                           "input.messages", where)
            chosen = _answer(obj.get("preferred_output"), "preferred_output", where)
            rejected = _answer(obj.get("non_preferred_output"), "non_preferred_output", where)
        else:
            prompt = _chat(obj.get("prompt"), "prompt", where)
            chosen = _answer(obj.get("chosen"), "chosen", where)
            rejected = _answer(obj.get("rejected"), "rejected", where)
        return {"prompt": prompt, "chosen": chosen, "rejected": rejected}
    prompt = _chat(obj.get("prompt"), "prompt", where)
    completion = _answer(obj.get("completion"), "completion", where)
    label = obj.get("label")
    if not isinstance(label, bool):
        raise RecipeError(f"{where}: 'label' must be true or false")
    return {"prompt": prompt, "completion": completion, "label": label}


def _chat(value, name: str, where: str) -> List[Dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise RecipeError(f"{where}: '{name}' must be a non-empty list of messages")
    out = []
    for i, m in enumerate(value):
        if (not isinstance(m, dict) or m.get("role") not in ROLES
                or not isinstance(m.get("content"), str)):
            raise RecipeError(
                f"{where}: '{name}[{i}]' must be {{\"role\": {'|'.join(ROLES)}, "
                f"\"content\": text}}")
        out.append({"role": m["role"], "content": m["content"]})
    return out


def _answer(value, name: str, where: str) -> List[Dict[str, str]]:
    """Exactly one non-empty assistant message, as OpenAI's DPO format and TRL's pairs have."""
    chat = _chat(value, name, where)
    if len(chat) != 1 or chat[0]["role"] != "assistant" or not chat[0]["content"].strip():
        raise RecipeError(f"{where}: '{name}' must be exactly one non-empty assistant message")
    return chat


def write_trl(export: Export, out_dir: Path, specialist: Optional[str]) -> Dict[str, Tuple[Path, int]]:
    """Writes each part's TRL records to out_dir/{train,validation}.jsonl (for
    `datasets.load_dataset("json")`); returns each written file and its record count."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for part in export.parts:
        target = out_dir / f"{part.split}.jsonl"
        n = 0
        with target.open("w", encoding="utf-8") as f:
            for r in records(export, part.split, specialist):
                f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")))
                f.write("\n")
                n += 1
        written[part.split] = (target, n)
    return written
