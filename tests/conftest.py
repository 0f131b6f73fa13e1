"""Framework-free test tier: only the domain core (``dds_assistance.core``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
