import json
import tempfile
import unittest
from pathlib import Path

from nyx_train import data
from nyx_train.errors import RecipeError

from .support import GOLDEN, write_export


def golden(name):
    with (GOLDEN / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class GoldenLinesTest(unittest.TestCase):
    """The exact lines the Java golden tests pin, read the way training reads them."""

    def test_every_golden_line_converts(self):
        for name, kind, fmt in (("sft.trl.jsonl", "sft", "trl"),
                                ("sft.openai.jsonl", "sft", "openai"),
                                ("preferences.trl.jsonl", "preferences", "trl"),
                                ("preferences.openai.jsonl", "preferences", "openai"),
                                ("kto.trl.jsonl", "kto", "trl")):
            lines = golden(name)
            self.assertTrue(lines, name)
            for i, line in enumerate(lines, 1):
                record = data.convert(line, kind, fmt, f"{name}:{i}")
                self.assertNotIn("metadata", record)

    def test_openai_and_trl_lines_make_the_same_training_records(self):
        for kind in ("sft", "preferences"):
            trl = [data.convert(l, kind, "trl", "trl") for l in golden(f"{kind}.trl.jsonl")]
            openai = [data.convert(l, kind, "openai", "openai")
                      for l in golden(f"{kind}.openai.jsonl")]
            self.assertEqual(trl, openai, kind)

    def test_kto_labels_and_scrubbed_text_come_through(self):
        records = [data.convert(l, "kto", "trl", "kto") for l in golden("kto.trl.jsonl")]
        self.assertIn(True, [r["label"] for r in records])
        self.assertIn(False, [r["label"] for r in records])
        text = json.dumps(records)
        self.assertIn("<EMAIL>", text)
        self.assertNotIn("@example.com", text)


class LinesAreCheckedTest(unittest.TestCase):
    def refused(self, line, kind, fmt, words):
        with self.assertRaises(RecipeError) as e:
            data.convert(line, kind, fmt, "f.jsonl:3")
        self.assertIn("f.jsonl:3", str(e.exception))
        self.assertIn(words, str(e.exception))

    def test_bad_lines_name_their_line_and_field(self):
        user = {"role": "user", "content": "q"}
        self.refused({"messages": [user]}, "sft", "trl", "end with the assistant")
        self.refused({"messages": [{"role": "bot", "content": "x"}]}, "sft", "trl", "messages[0]")
        self.refused({"prompt": [user], "chosen": [], "rejected": []}, "preferences", "trl",
                     "'chosen'")
        two = [{"role": "assistant", "content": "a"}, {"role": "assistant", "content": "b"}]
        self.refused({"input": {"messages": [user]}, "preferred_output": two,
                      "non_preferred_output": two[:1]}, "preferences", "openai",
                     "exactly one non-empty assistant message")
        self.refused({"prompt": [user], "completion": two[:1], "label": "yes"}, "kto", "trl",
                     "'label'")


class ExportFilesTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = Path(self.dir.name)

    def tearDown(self):
        self.dir.cleanup()

    def sft(self, specialist, n):
        return {"messages": [{"role": "user", "content": f"q{n}"},
                             {"role": "assistant", "content": f"a{n}"}],
                "metadata": {"specialist": specialist}}

    def test_the_manifest_is_found_from_the_training_file_and_the_hashes_are_checked(self):
        write_export(self.path, "kairos", "sft", "trl", [self.sft("kairos", 1)],
                     [self.sft("kairos", 2)])
        export = data.open_export(self.path / "kairos.jsonl")
        data.verify(export)
        self.assertEqual([p.split for p in export.parts], ["train", "validation"])
        with (self.path / "kairos.val.jsonl").open("a") as f:
            f.write(json.dumps(self.sft("kairos", 3)) + "\n")
        with self.assertRaises(RecipeError) as e:
            data.verify(export)
        self.assertIn("kairos.val.jsonl", str(e.exception))
        self.assertIn("SHA-256", str(e.exception))

    def test_trl_lines_are_selected_by_specialist_openai_lines_cannot_be(self):
        lines = [self.sft("kairos", 1), self.sft("moira", 2), self.sft("kairos", 3)]
        mixed = {"kairos": {"train": 2}, "moira": {"train": 1}}
        write_export(self.path, "all", "sft", "trl", lines, by_specialist=mixed)
        export = data.open_export(self.path / "all.manifest.json")
        self.assertEqual(len(list(data.records(export, "train", "kairos"))), 2)
        self.assertEqual(len(list(data.records(export, "train"))), 3)
        write_export(self.path, "oai", "sft", "openai",
                     [{"messages": l["messages"]} for l in lines], by_specialist=mixed)
        oai = data.open_export(self.path / "oai.manifest.json")
        with self.assertRaises(RecipeError) as e:
            list(data.records(oai, "train", "kairos"))
        self.assertIn("--specialist kairos", str(e.exception))

    def test_no_manifest_says_how_to_get_one(self):
        with self.assertRaises(RecipeError) as e:
            data.open_export(self.path / "missing.jsonl")
        self.assertIn("--out", str(e.exception))


if __name__ == "__main__":
    unittest.main()
