from pulang.access.permissions_doc import DOC_PATH, permissions_markdown
from pulang.access.roles import ROLE_CAPABILITIES, Capability, Role


def test_docs_permissions_md_matches_the_code():
    assert DOC_PATH.read_text(encoding="utf-8") == permissions_markdown(), (
        "docs/permissions.md is stale: run `pulang permissions-doc`"
    )


def test_the_table_marks_exactly_what_each_role_holds():
    table = [line for line in permissions_markdown().splitlines() if line.startswith("| `")]
    assert len(table) == len(Capability)
    for line, capability in zip(table, Capability, strict=True):
        cells = [cell.strip() for cell in line.strip("|").split("|")[1:]]
        assert cells == ["✔" if capability in ROLE_CAPABILITIES[r] else "" for r in Role]
