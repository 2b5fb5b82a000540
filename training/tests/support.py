"""Paths and helpers shared by the tests."""

import hashlib
import json
import os
from pathlib import Path

TRAINING = Path(__file__).resolve().parent.parent
REPO = TRAINING.parent
GOLDEN = REPO / "src" / "test" / "resources" / "io" / "nyx" / "export" / "golden"


def export_dir():
    """Exports `nyx export --out` wrote for these tests (ExportCommandTest sets it), or None."""
    d = os.environ.get("NYX_EXPORT_DIR")
    return Path(d) if d else None


def write_export(directory: Path, stem: str, kind: str, fmt: str, train_lines, val_lines=None,
                 base_model="Qwen/Qwen2.5-7B-Instruct", by_specialist=None):
    """A small export as `nyx export --out` lays it out: the parts and a manifest hashing them."""
    files = []
    for split, name, lines in (("train", f"{stem}.jsonl", train_lines),
                               ("validation", f"{stem}.val.jsonl", val_lines)):
        if lines is None:
            continue
        text = "".join(json.dumps(l) + "\n" for l in lines)
        (directory / name).write_text(text, "utf-8")
        files.append({"split": split, "path": name, "lines": len(lines),
                      "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
    manifest = {
        "nyx_export_manifest": 1, "kind": kind, "format": fmt, "base_model": base_model,
        "counts": {"by_specialist": by_specialist or {"kairos": {"train": len(train_lines)}}},
        "files": files,
    }
    path = directory / f"{stem}.manifest.json"
    path.write_text(json.dumps(manifest), "utf-8")
    return path
