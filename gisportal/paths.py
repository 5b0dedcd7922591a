"""Where the checkout keeps its local state (database cluster, uploads, secret key)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GISPORTAL_VAR_DIR", BASE_DIR / "var"))
