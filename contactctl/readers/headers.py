"""Header rows as people write them: blanks, duplicates and stray spaces made usable."""

from __future__ import annotations


def unique_headers(cells: list[str]) -> list[str]:
    """Blank headers become column_N, repeated ones Name_2, Name_3, so no cell is lost."""
    headers: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells, start=1):
        name = cell.strip().lstrip("\ufeff") or f"column_{index}"
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate)
        headers.append(candidate)
    return headers
