"""Fail when a user-visible string has no Vietnamese translation.

Re-extracts the messages with Django's makemessages (so new strings are found), then reads the
Vietnamese catalog and lists every entry that is empty or marked fuzzy.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "src" / "danvan"
CATALOG = APP / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def entries(text: str):
    """Yield (msgid, msgstr_values, is_fuzzy) for each entry of a .po file."""
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        current = None
        parts: dict[str, list[str]] = {}
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith("msg"):
                key, _, rest = line.partition(" ")
                current = key
                parts.setdefault(current, []).append(rest.strip()[1:-1])
            elif line.startswith('"') and current:
                parts[current].append(line.strip()[1:-1])
        if "msgid" in parts:
            msgid = "".join(parts["msgid"])
            strs = ["".join(v) for k, v in parts.items() if k.startswith("msgstr")]
            yield msgid, strs, fuzzy


def main() -> int:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "vi",
            "--no-obsolete",
            "--no-location",
            "--ignore=static/*",
            "-v0",
        ],
        cwd=APP,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "danvan.config.settings.test",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        },
    )
    missing = []
    for msgid, strs, fuzzy in entries(CATALOG.read_text(encoding="utf-8")):
        if not msgid:
            continue
        if fuzzy or not strs or any(not s for s in strs):
            missing.append(msgid)
    if missing:
        print(
            f"{len(missing)} strings lack a Vietnamese translation in {CATALOG.relative_to(ROOT)}:"
        )
        for msgid in missing[:80]:
            print(f"  - {msgid}")
        return 1
    print("All strings have a Vietnamese translation.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
