"""Figure 7: resident memory with 1,000,000 stored order numbers (10
subscriptions of 100,000, a user's maximum), measured in a fresh process."""
from __future__ import annotations

import json
import subprocess
import sys

from .result import figure
from .servers import REPO_ROOT, _env

ORDERS = 1_000_000
TARGET_MB = 200


def run() -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.memory_probe", "--orders", str(ORDERS)],
        cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=240,
    )
    if out.returncode:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}")
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    if probe["stored"] != ORDERS:
        raise RuntimeError(f"the mock stored {probe['stored']} order numbers, not {ORDERS}")
    after = probe["after_mb"]
    return figure(
        f"memory: RSS with {ORDERS:,} order numbers", round(after, 1), "MB",
        baseline="the same mock before", baseline_value=round(probe["before_mb"], 1),
        ratio=round(after / probe["before_mb"], 2), target=f"<= {TARGET_MB} MB", met=after <= TARGET_MB,
        added_mb=round(after - probe["before_mb"], 1),
        bytes_per_order=round((after - probe["before_mb"]) * 1024 * 1024 / ORDERS),
    )
