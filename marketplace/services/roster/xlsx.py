"""Reading an XLSX roster as a stream: no cell, row or XML token is ever held whole past its limit.

openpyxl, even read-only, builds the whole shared-string table first, so one 240 MB cell (a
253 KB upload) cost the serving process 650 MiB. Here every part is unzipped in chunks and fed
to expat, whose text arrives in pieces: a cell is refused the moment it passes CELL_MAX_CHARS,
a row at ROW_MAX_CHARS, an unfinished tag or comment at TOKEN_MAX_BYTES, a part at
PART_MAX_BYTES whatever its header claims. Shared strings are kept as one UTF-8 buffer with
their end offsets (SHARED_MAX_BYTES at most). A DOCTYPE is refused (no entities at all).

Cells read as openpyxl read them with ``data_only=False``: a formula as "=" and its text, a
number as a whole number when it is one; dates stay the number or text the file holds.
"""

import posixpath
import zipfile
import zlib
from array import array
from xml.parsers import expat

# A roster cell is a name, a number or a list of skills: nothing meaningful is longer.
CELL_MAX_CHARS = 1_000
ROW_MAX_CHARS = 4_000
# Cells to the right of this column are not kept (a roster has about ten).
COLUMNS_MAX = 64
SHARED_MAX_BYTES = 32 * 1024 * 1024
PART_MAX_BYTES = 256 * 1024 * 1024
TOKEN_MAX_BYTES = 256 * 1024
CHUNK_BYTES = 64 * 1024

_REL_SHEET = "/worksheet"
_REL_SHARED = "/sharedStrings"


class FileRefused(Exception):
    """The file as a whole cannot be read as a roster; ``code`` names why."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _no_doctype(*_args) -> None:
    raise FileRefused("unreadable")


def _parse(archive: zipfile.ZipFile, name: str, start, end, text):
    """Feed one part to expat in chunks; yields after each chunk (the handlers collect)."""
    parser = expat.ParserCreate()
    parser.buffer_text = False
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _no_doctype
    parser.EntityDeclHandler = _no_doctype
    if hasattr(parser, "SetReparseDeferralEnabled"):
        parser.SetReparseDeferralEnabled(False)
    fed = 0
    try:
        with archive.open(name) as member:
            while chunk := member.read(CHUNK_BYTES):
                fed += len(chunk)
                if fed > PART_MAX_BYTES:
                    raise FileRefused("too_large_unpacked")
                parser.Parse(chunk, False)
                # An unfinished tag, attribute or comment: expat would buffer all of it.
                if fed - parser.CurrentByteIndex > TOKEN_MAX_BYTES:
                    raise FileRefused("unreadable")
                yield
            parser.Parse(b"", True)
            yield
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:
        raise FileRefused("unreadable") from e


def _drain(parts) -> None:
    for _ in parts:
        pass


class SharedStrings:
    """The shared-string table: one UTF-8 buffer and each string's end offset."""

    def __init__(self):
        self.blob = bytearray()
        self.ends = array("Q")
        self.too_long: set[int] = set()
        self._text: list[str] = []
        self._chars = 0
        self._depth = 0  # inside <si>
        self._skip = 0  # inside phonetic runs, which are not the cell's text
        self._keep = False

    def start(self, name, _attrs):
        name = _local(name)
        if name == "si":
            self._depth, self._text, self._chars = 1, [], 0
        elif name == "rPh":
            self._skip += 1
        elif name == "t" and self._depth and not self._skip:
            self._keep = True

    def end(self, name):
        name = _local(name)
        if name == "t":
            self._keep = False
        elif name == "rPh":
            self._skip -= 1
        elif name == "si" and self._depth:
            self._depth = 0
            if self._chars > CELL_MAX_CHARS:
                self.too_long.add(len(self.ends))
            else:
                self.blob += "".join(self._text).encode()
                if len(self.blob) > SHARED_MAX_BYTES:
                    raise FileRefused("too_large_unpacked")
            self.ends.append(len(self.blob))

    def text(self, data):
        if not self._keep:
            return
        self._chars += len(data)
        if self._chars <= CELL_MAX_CHARS:
            self._text.append(data)
        else:
            self._text = []  # the string is never referenced unless a cell names it

    def __getitem__(self, index: int) -> str:
        if index in self.too_long:
            raise FileRefused("cell_too_long", n=CELL_MAX_CHARS)
        if not 0 <= index < len(self.ends):
            raise FileRefused("unreadable")
        start = self.ends[index - 1] if index else 0
        return self.blob[start : self.ends[index]].decode()


def _column(ref: str, previous: int) -> int:
    letters = ref.rstrip("0123456789")
    if not letters:
        return previous + 1
    index = 0
    for letter in letters.upper()[:4]:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _number(text: str) -> str:
    """A numeric cell as openpyxl gives it: '13800138000' for 1.3800138E10, '3' for 3.0."""
    try:
        return str(int(text))
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else str(value)


class _Sheet:
    """Collects the rows of a worksheet as its XML streams past."""

    def __init__(self, shared: SharedStrings):
        self.shared = shared
        self.done: list[tuple[int, list[str]]] = []
        self.row_number = 0
        self.cells: dict[int, str] = {}
        self.row_chars = 0
        self.col = -1
        self.kind = None
        self.value: list[str] | None = None  # the text of <v>, <f> or <is><t> being read
        self.chars = 0
        self.parts: dict[str, str] = {}
        self.target = None
        self.skip = 0

    def start(self, name, attrs):
        name = _local(name)
        if name == "row":
            ref = attrs.get("r", "")
            self.row_number = int(ref) if ref.isdecimal() else self.row_number + 1
            self.cells, self.row_chars, self.col = {}, 0, -1
        elif name == "c":
            self.col = _column(attrs.get("r", ""), self.col)
            self.kind = attrs.get("t", "n")
            self.parts, self.chars = {}, 0
        elif name == "rPh":
            self.skip += 1
        elif name in ("v", "f") or (name == "t" and self.kind == "inlineStr" and not self.skip):
            self.target = "t" if name == "t" else name
            self.value = [self.parts.get(self.target, "")]

    def text(self, data):
        if self.value is None:
            return
        self.chars += len(data)
        if self.chars > CELL_MAX_CHARS:
            raise FileRefused("cell_too_long", n=CELL_MAX_CHARS)
        self.value.append(data)

    def end(self, name):
        name = _local(name)
        if name in ("v", "f", "t") and self.value is not None:
            self.parts[self.target] = "".join(self.value)
            self.value = None
        elif name == "rPh":
            self.skip -= 1
        elif name == "c":
            text = self._cell_text().strip()
            self.row_chars += len(text)
            if self.row_chars > ROW_MAX_CHARS:
                raise FileRefused("row_too_long", n=ROW_MAX_CHARS)
            if text and 0 <= self.col < COLUMNS_MAX:
                self.cells[self.col] = text
        elif name == "row":
            if self.cells:
                width = max(self.cells) + 1
                self.done.append((self.row_number, [self.cells.get(i, "") for i in range(width)]))
            self.cells = {}

    def _cell_text(self) -> str:
        parts, kind = self.parts, self.kind
        if "f" in parts:  # data_only=False: a formula is its own text, never its result
            return "=" + parts["f"]
        value = parts.get("v", "")
        if kind == "inlineStr":
            return parts.get("t", "")
        if kind == "s":
            if not value.strip().isdecimal():
                raise FileRefused("unreadable")
            return self.shared[int(value)]
        if kind == "n" and value:
            return _number(value.strip())
        return value


class _Meta:
    """workbook.xml's sheets in order, and the relationships of the workbook part."""

    LIMIT = 10_000

    def __init__(self):
        self.sheets: list[str] = []
        self.rels: dict[str, tuple[str, str]] = {}

    def start(self, name, attrs):
        name = _local(name)
        if name == "sheet" and len(self.sheets) < self.LIMIT:
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            self.sheets.append(rid)
        elif name == "Relationship" and len(self.rels) < self.LIMIT:
            self.rels[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    def end(self, _name):
        pass

    def text(self, _data):
        pass


def _target(target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _locate(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The first worksheet's part and the shared-string part (if any)."""
    meta = _Meta()
    names = set(archive.namelist())
    _drain(_parse(archive, "xl/workbook.xml", meta.start, meta.end, meta.text))
    if "xl/_rels/workbook.xml.rels" in names:
        _drain(_parse(archive, "xl/_rels/workbook.xml.rels", meta.start, meta.end, meta.text))
    sheets = [meta.rels.get(rid, ("", "")) for rid in meta.sheets]
    sheet = next((_target(t) for kind, t in sheets if kind.endswith(_REL_SHEET)), None)
    if sheet is None or sheet not in names:
        raise FileRefused("unreadable")
    shared = next(
        (_target(t) for kind, t in meta.rels.values() if kind.endswith(_REL_SHARED)), None
    )
    if shared is None and "xl/sharedStrings.xml" in names:
        shared = "xl/sharedStrings.xml"
    return sheet, shared if shared in names else None


def xlsx_rows(archive: zipfile.ZipFile):
    """(row number, cell texts) of every row of the first worksheet holding any text."""
    sheet_part, shared_part = _locate(archive)
    shared = SharedStrings()
    if shared_part:
        _drain(_parse(archive, shared_part, shared.start, shared.end, shared.text))
    sheet = _Sheet(shared)
    for _ in _parse(archive, sheet_part, sheet.start, sheet.end, sheet.text):
        yield from sheet.done
        sheet.done = []
