"""Builders for real files in real formats (PDF, docx, pptx, zip), written into tmp_path by tests."""

from __future__ import annotations

import io
import zipfile


def make_pdf(pages: list[str], title: str | None = None) -> bytes:
    """A minimal but complete PDF 1.4 (catalog, pages, Helvetica, one text stream a page, xref)."""
    objs: dict[int, bytes] = {}
    page_ids = [4 + 2 * i for i in range(len(pages))]
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(pages)
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    for pid, text in zip(page_ids, pages, strict=True):
        stream = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
        objs[pid] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (pid + 1)
        )
        objs[pid + 1] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    info = 4 + 2 * len(pages)
    objs[info] = b"<< /Title (" + (title or "").encode("latin-1") + b") >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for k in sorted(objs):
        offsets[k] = len(out)
        out += b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (info + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[k] for k in range(1, info + 1))
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        info + 1,
        info,
        xref,
    )
    return bytes(out)


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def make_docx() -> bytes:
    import docx

    doc = docx.Document()
    doc.core_properties.author = "Alice Smith"
    doc.add_heading("Incident handbook", 0)
    doc.add_heading("Paging", 1)
    doc.add_paragraph(
        "When the pager fires, acknowledge it within five minutes and open the incident channel."
    )
    doc.add_paragraph("Check the dashboard", style="List Bullet")
    doc.add_heading("Escalation", 2)
    doc.add_paragraph("Escalate to the on-call lead if the error budget burns faster than expected.")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Severity", "Response"
    table.cell(1, 0).text, table.cell(1, 1).text = "SEV1", "Immediate"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def make_pptx() -> bytes:
    import pptx

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Quarterly roadmap"
    slide.placeholders[1].text = "Ship the ingestion service\nMigrate billing to the new ledger"
    slide.notes_slide.notes_text_frame.text = "Mention the hiring plan for the platform team."
    second = deck.slides.add_slide(deck.slide_layouts[1])
    second.shapes.title.text = "Risks"
    second.placeholders[1].text = "Vendor contract renewal is late"
    buf = io.BytesIO()
    deck.save(buf)
    return buf.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()
