"""The PDF side of the books, with pypdf: where Chromium put each target, and what it cannot set.

Chromium writes a named destination for every id a link points to, which gives the page of
each chapter and heading (the table of contents links to all of them). The bookmarks are
built here from the nav rather than with Chromium's `outline=True`, which takes every heading
and its raw text; the metadata, /Lang and the opening view are set here too.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from hooks.pdfplan import Entry


@dataclass(frozen=True)
class Target:
    """Where a named destination points: its page (1-based, as printed) and its top edge."""

    page: int
    top: float


def targets(pdf: bytes) -> dict[str, Target]:
    """Named destinations of a Chromium print, by the id they were made for."""
    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for name, destination in reader.named_destinations.items():
        top = destination.get("/Top")
        found[str(name).lstrip("/")] = Target(
            reader.get_destination_page_number(destination) + 1, float(top) if top is not None else 0.0
        )
    return found


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    language: str  # BCP 47, "ko" / "en"


def finish(pdf: bytes, entries: Sequence[Entry], places: Mapping[str, Target], meta: Metadata) -> bytes:
    """Bookmarks following `entries` (nesting by level), metadata, /Lang and opening on the outline.

    Written as an incremental update appended to Chromium's file: pypdf's writer would parse and
    copy every object of the tagged document first (about 2 s a book, a tenth of the bar).
    """
    reader = PdfReader(io.BytesIO(pdf))
    update = _Update(int(reader.trailer["/Size"]))
    pages = [page.indirect_reference for page in reader.pages]
    outlines = update.reserve()
    top = _outline_items(update, outlines, entries, places, pages)
    update.put(
        outlines,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Outlines"),
                NameObject("/First"): top[0],
                NameObject("/Last"): top[-1],
                NameObject("/Count"): NumberObject(len(top)),
            }
        ),
    )
    catalog = DictionaryObject(reader.trailer["/Root"].get_object())
    catalog[NameObject("/Outlines")] = outlines
    catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
    catalog[NameObject("/Lang")] = TextStringObject(meta.language)
    # viewers show the title, not the file name
    catalog[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    info = DictionaryObject(reader.trailer["/Info"].get_object() if "/Info" in reader.trailer else {})
    for key, value in (
        ("/Title", meta.title),
        ("/Author", meta.author),
        ("/Subject", meta.subject),
        ("/Creator", "hooks/pdf.py (Chromium)"),
    ):
        info[NameObject(key)] = TextStringObject(value)
    trailer = {"/Root": update.add(catalog), "/Info": update.add(info)}
    if "/ID" in reader.trailer:
        trailer["/ID"] = reader.trailer["/ID"]
    return update.appended_to(pdf, trailer)


def _outline_items(
    update: _Update,
    outlines: IndirectObject,
    entries: Sequence[Entry],
    places: Mapping[str, Target],
    pages: Sequence[IndirectObject],
) -> list[IndirectObject]:
    """The outline items, linked as the PDF wants (parent, siblings, first/last child, count)."""
    items = [update.reserve() for _ in entries]
    children: dict[int, list[int]] = {-1: []}
    parents: list[int] = []
    for index, entry in enumerate(entries):
        del parents[entry.level :]
        children.setdefault(parents[-1] if parents else -1, []).append(index)
        parents.append(index)
    for parent, kids in children.items():
        for position, index in enumerate(kids):
            entry, place = entries[index], places[entries[index].target]
            item = DictionaryObject(
                {
                    NameObject("/Title"): TextStringObject(entry.title),
                    NameObject("/Parent"): outlines if parent < 0 else items[parent],
                    NameObject("/Dest"): ArrayObject(
                        [
                            pages[place.page - 1],
                            NameObject("/XYZ"),
                            NullObject(),
                            FloatObject(place.top),
                            NullObject(),
                        ]
                    ),
                }
            )
            if position:
                item[NameObject("/Prev")] = items[kids[position - 1]]
            if position + 1 < len(kids):
                item[NameObject("/Next")] = items[kids[position + 1]]
            if grandchildren := children.get(index):
                item[NameObject("/First")] = items[grandchildren[0]]
                item[NameObject("/Last")] = items[grandchildren[-1]]
                item[NameObject("/Count")] = NumberObject(-len(grandchildren))  # closed: chapters show
            update.put(items[index], item)
    return [items[index] for index in children[-1]]


class _Update:
    """New objects for an incremental update: numbered from the file's /Size on."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.objects: dict[int, PdfObject] = {}

    def reserve(self) -> IndirectObject:
        number = self.size + len(self.objects)
        self.objects[number] = NullObject()
        return IndirectObject(number, 0, None)  # type: ignore[arg-type]

    def put(self, reference: IndirectObject, value: PdfObject) -> None:
        self.objects[reference.idnum] = value

    def add(self, value: PdfObject) -> IndirectObject:
        reference = self.reserve()
        self.put(reference, value)
        return reference

    def appended_to(self, pdf: bytes, trailer: Mapping[str, PdfObject]) -> bytes:
        """`pdf` with these objects, a cross-reference section for them and a new trailer."""
        previous = int(pdf[pdf.rindex(b"startxref") + 9 :].split()[0])
        out = io.BytesIO()
        out.write(pdf if pdf.endswith(b"\n") else pdf + b"\n")
        offsets = []
        for number in sorted(self.objects):
            offsets.append(out.tell())
            out.write(f"{number} 0 obj\n".encode())
            self.objects[number].write_to_stream(out)
            out.write(b"\nendobj\n")
        xref = out.tell()
        out.write(f"xref\n{self.size} {len(offsets)}\n".encode())
        out.write(b"".join(f"{offset:010} 00000 n\r\n".encode() for offset in offsets))
        fields = DictionaryObject({NameObject(key): value for key, value in trailer.items()})
        fields[NameObject("/Size")] = NumberObject(self.size + len(offsets))
        fields[NameObject("/Prev")] = NumberObject(previous)
        out.write(b"trailer\n")
        fields.write_to_stream(out)
        out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
        return out.getvalue()
