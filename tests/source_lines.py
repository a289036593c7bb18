"""Where the code writes out a name that should be read from its one definition."""
import pathlib
import re

ROOT = pathlib.Path(__file__).parent.parent


def lines_naming(globs, patterns, allowed=()):
    """``path:line: text`` of every line matching ``patterns[suffix]`` in the files of
    ``globs`` (relative to the repository), except the files in ``allowed``."""
    found = []
    for path in sorted({p for pattern in globs for p in ROOT.glob(pattern)}):
        relative = str(path.relative_to(ROOT))
        if relative in allowed or path.suffix not in patterns:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(patterns[path.suffix], line):
                found.append(f"{relative}:{number}: {line.strip()[:100]}")
    return found
