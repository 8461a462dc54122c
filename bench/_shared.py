"""Where benchmarks find their data: ../shared beside the project (not part of a user's clone)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(relative: str) -> Path:
    """A path under ../shared, or exit with a clear message when it is not there."""
    path = SHARED / relative
    if not path.exists():
        sys.exit(f"bench: {path} not found. The benchmarks read the team's shared data "
                 f"(../shared beside the project); pass the paths explicitly with the options.")
    return path
