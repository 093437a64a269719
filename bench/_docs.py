"""The one writer of docs/benchmarks.md: each benchmark replaces only its own marked section."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"


def write_section(name: str, block: str, path: Path = DOCS) -> None:
    """Replaces the section of benchmark ``name`` with ``block`` (which starts and ends with its markers),
    or appends it; the file is replaced atomically so concurrent benchmarks never see half a file."""
    start, end = markers(name)
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in current and end in current:
        head, rest = current.split(start, 1)
        new = head + block + rest.split(end, 1)[1]
    else:
        new = current.rstrip("\n") + "\n\n" + block + "\n"
    tmp = path.with_suffix(f".md.{name}-tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(path)
