from pulang.regions.models import Region, region_search_text


def region(code: str, name: str) -> Region:
    """A region under its parent (which must exist), with level and search text as the loader
    would give them."""
    parent = Region.objects.get(pk=code.rsplit(".", 1)[0]) if "." in code else None
    return Region.objects.create(
        code=code,
        level=code.count(".") + 1,
        name=name,
        parent=parent,
        search_text=region_search_text(name, parent.search_text if parent else ""),
    )


def regions(*rows: tuple[str, str]) -> list[Region]:
    return [region(code, name) for code, name in rows]


def tanjung_pinang_villages() -> list[Region]:
    return regions(
        ("21", "Kepulauan Riau"),
        ("21.72", "Kota Tanjung Pinang"),
        ("21.72.01", "Bukit Bestari"),
        ("21.72.01.1001", "Dompak"),
        ("21.72.01.1002", "Tanjung Ayun Sakti"),
    )
