"""Exports written by `nyx export --out` from rows the real pipeline stored (ExportCommandTest
runs these tests with NYX_EXPORT_DIR set); skipped when run alone."""

import io
import json
import tempfile
import unittest
from pathlib import Path

from nyx_train import cli, data

from .support import export_dir

DIR = export_dir()


@unittest.skipIf(DIR is None, "NYX_EXPORT_DIR is not set: run through ExportCommandTest "
                              "(./scripts/test -Dtest=ExportCommandTest)")
class RealExportsTest(unittest.TestCase):
    def manifests(self):
        found = sorted(DIR.glob("*.manifest.json"))
        self.assertEqual(len(found), 5, "one export per kind and format")
        return found

    def test_every_export_is_whole_and_every_line_converts(self):
        for m in self.manifests():
            export = data.open_export(m)
            data.verify(export)
            manifest = json.loads(m.read_text())
            self.assertEqual(export.base_model, "Qwen/Qwen2.5-7B-Instruct")
            for part in export.parts:
                records = list(data.records(export, part.split))
                self.assertEqual(len(records), manifest["counts"][part.split], m.name)

    def test_a_dry_run_plans_each_trl_export_for_one_specialist(self):
        for m in self.manifests():
            export = data.open_export(m)
            if export.format != "trl" or "kairos" not in export.specialists:
                continue
            with tempfile.TemporaryDirectory() as d:
                out, err = io.StringIO(), io.StringIO()
                output = Path(d) / "kairos" / "v2"
                code = cli.main(["--export", str(m), "--specialist", "kairos", "--version", "2",
                                 "--output", str(output), "--dry-run"], out, err)
                self.assertEqual(code, 0, err.getvalue())
                self.assertEqual(out.getvalue().strip(),
                                 f"./nyx adapters register --specialist kairos --version 2 "
                                 f"--path {output}")
                plan = json.loads(err.getvalue()[:err.getvalue().index("\ndry run")])
                self.assertEqual(plan["trainer"], cli.TRAINERS[export.kind])

    def test_openai_lines_of_several_specialists_cannot_be_narrowed_to_one(self):
        for m in self.manifests():
            export = data.open_export(m)
            if export.format == "openai" and len(export.specialists) > 1:
                err = io.StringIO()
                code = cli.main(["--export", str(m), "--specialist", "kairos", "--version", "2",
                                 "--output", str(Path(tempfile.gettempdir()) / "nyx-unused"),
                                 "--dry-run"], io.StringIO(), err)
                self.assertEqual(code, 2)
                self.assertIn("--specialist kairos", err.getvalue())


if __name__ == "__main__":
    unittest.main()
