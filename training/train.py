#!/usr/bin/env python3
"""Trains a LoRA adapter for one Nyx specialist from a `nyx export` (see docs/training.md)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nyx_train.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
