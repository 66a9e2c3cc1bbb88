"""Compile the committed .po catalogues into .mo files: the project's under locale/ and each
app's own under clusterscape/<app>/locale/ (Django reads both).

Babel does what GNU msgfmt does, so `make run` needs no system gettext tools.
Run as `python -m clusterscape.core.compile_messages`.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOCALE_DIR = PROJECT_DIR / "locale"
APP_LOCALE_DIRS = sorted((PROJECT_DIR / "clusterscape").glob("*/locale"))


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parts[-3])
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for locale_dir in [LOCALE_DIR, *APP_LOCALE_DIRS]:
        for path in compile_catalogues(locale_dir):
            sys.stdout.write(f"compiled {path.relative_to(PROJECT_DIR)}\n")
