"""Hostile workbooks for the roster reader: one enormous cell that compresses to almost nothing.

Written with zipfile's streaming writes, a megabyte at a time: building a 240 MB cell never
holds it, and the file itself is a few hundred KB.
"""

import io
import zipfile

_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OFFICE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_OFFICE}.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    f' xmlns:r="{_RELS}">'
    '<sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ("姓名", "手机号码", "人员类型", "区县")
ROW = ("张三", "13900000001", "退休人员", "越城区")
MB = 1024 * 1024


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int, cells, first: str = "") -> str:
    """A row of inline strings, after `first` (the XML of cells already in column A)."""
    start = 1 if first else 0
    inline = "".join(
        _inline(f"{'ABCD'[i]}{number}", text) for i, text in enumerate(cells) if i >= start
    )
    return f'<row r="{number}">{first}{inline}</row>'


def _repeat(member, text: bytes, size: int) -> None:
    block = text * (MB // len(text))
    for _ in range(size // len(block)):
        member.write(block)
    member.write(text * ((size % len(block)) // len(text)))


def workbook(cell_bytes: int = 0, *, where: str = "shared", rows: int = 1) -> bytes:
    """A roster workbook: the header, `rows` good rows, and (cell_bytes > 0) one huge cell.

    where="shared": the huge text is shared string 0, the name in row 2 (the upload's header
    check reads the shared strings first); "inline": an inline string in the last row.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(f'<sst xmlns="{_MAIN}"><si><t>'.encode())
            _repeat(member, b"A", cell_bytes if where == "shared" else 1)
            member.write(b"</t></si></sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            member.write(_row(1, HEADER).encode())
            number = 1
            if cell_bytes and where == "shared":
                number += 1
                shared = f'<c r="A{number}" t="s"><v>0</v></c>'
                member.write(_row(number, ROW, shared).encode())
            for _ in range(rows):
                number += 1
                mobile = f"139{number:08d}"
                member.write(_row(number, (f"工人{number}", mobile, "退休人员", "越城区")).encode())
            if cell_bytes and where == "inline":
                number += 1
                member.write(f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>'.encode())
                _repeat(member, b"A", cell_bytes)
                member.write(b"</t></is></c></row>")
            member.write(b"</sheetData></worksheet>")
    return out.getvalue()
