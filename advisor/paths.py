"""Where the project's files live: the one place that knows the project directory."""

from __future__ import annotations

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
KNOWLEDGE_DATA_DIR = DATA_DIR / "knowledge"
BUILD_DIR = PROJECT_DIR / "build"
LOGS_DIR = BUILD_DIR / "logs"
MODELS_DIR = PROJECT_DIR / "models"
MODEL = MODELS_DIR / "oem-odm-advisor.tar.gz"
WEB_DIR = PROJECT_DIR / "web"
