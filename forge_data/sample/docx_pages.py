"""Word documents in the wiki folder, written with python-docx and made byte-for-byte reproducible.

python-docx stamps the save time into the zip entries and may stamp ``modified`` into the core
properties; both are pinned here, so the same seed gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta

from . import values
from .company import FACTS_BY_TOPIC, FIRST, LAST, Person, ascii_name, phone
from .context import Context
from .manifest import Location
from .prose import EPOCH, Writer

SOURCE = "wiki"
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def reproducible(docx_bytes: bytes) -> bytes:
    """Rewrite the zip with fixed entry times and attributes, keeping entry order and content."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def vendor_contact(rng, domain: str) -> Person:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return Person(
        name=f"{first} {last}",
        email=f"{ascii_name(first)}.{ascii_name(last)}@{domain}",
        handle="",
        user_id="",
        employee_id="",
        phone=phone(rng),
        team="",
        title="Account Manager",
        tz="America/Chicago",
        external=True,
        org=domain,
    )


def _document(title: str, author: Person, when: datetime):
    from docx import Document  # python-docx is heavy; import it only when documents are written

    doc = Document()
    props = doc.core_properties
    props.title = title
    props.author = author.name
    props.last_modified_by = author.name
    props.created = when.replace(tzinfo=None)
    props.modified = when.replace(tzinfo=None)
    props.revision = 3
    props.comments = ""
    return doc


def _save(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return reproducible(buf.getvalue())


def vendor_payments(ctx: Context, rng, w: Writer) -> tuple[str, bytes]:
    rel = "wiki/documents/vendor-payment-procedure.docx"
    led, at = ctx.ledger, Location(SOURCE, rel)
    author = rng.choice(ctx.company.people)
    led.pii("PERSON", author.name, at)
    doc = _document("Vendor payment procedure", author, EPOCH + timedelta(days=20))
    doc.add_heading("Vendor payment procedure", level=0)
    doc.add_paragraph(
        "Finance pays vendor invoices twice a month. Engineering teams approve invoices for the tools they own; "
        "Security approves anything that touches Lockbox or Gatehouse."
    )
    doc.add_heading("Approvals", level=1)
    for step in ("The owning team checks the invoice against the contract.",
                 "The team lead approves it in the finance tool within five working days.",
                 "Finance pays to the IBAN on file; changed bank details need a call-back to a known number."):  # fmt: skip
        doc.add_paragraph(step, style="List Number")
    doc.add_heading("Vendor contacts", level=1)
    vendors = [
        ("Kiln Hosting (colocation)", "kilnhosting.com"),
        ("Stackable Totes (tote supplier)", "stackabletotes.co.uk"),
        ("Voltcare (charger maintenance)", "voltcare-services.com"),
        ("Badgeworks (badge printing)", "badgeworks.io"),
    ]
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["Vendor", "Contact", "Email", "Phone", "IBAN"], strict=True):
        cell.text = text
    for vendor, domain in vendors:
        contact = vendor_contact(rng, domain)
        email = contact.email
        iban = values.iban(rng)
        row = table.add_row().cells
        for cell, text in zip(row, [vendor, contact.name, email, contact.phone, iban], strict=True):
            cell.text = text
        for type_, value in (("PERSON", contact.name), ("EMAIL_ADDRESS", email), ("PHONE_NUMBER", contact.phone),
                             ("IBAN_CODE", iban)):  # fmt: skip
            led.pii(type_, value, at)
    doc.add_heading("Notes", level=1)
    # A personal mailbox a vendor contact gave us: the canary hides in its local part.
    marker = values.canary_token(rng)
    prefix = "For urgent orders the tote supplier asked us to write to a personal address, "
    email = led.pii("EMAIL_ADDRESS", f"{marker}@outlook.com", at)
    led.canary(marker, prefix, "EMAIL_ADDRESS", email, at)
    doc.add_paragraph(f"{prefix}{email}, until their shared mailbox is fixed.")
    doc.add_paragraph(w.paragraph("Lockbox", 2, with_fact=False))
    return rel, _save(doc)


def incident_handbook(ctx: Context, rng, w: Writer) -> tuple[str, bytes]:
    rel = "wiki/documents/incident-response-handbook.docx"
    led, at = ctx.ledger, Location(SOURCE, rel)
    author = rng.choice(ctx.company.team_members("SRE") or ctx.company.people)
    led.pii("PERSON", author.name, at)
    doc = _document("Incident response handbook", author, EPOCH + timedelta(days=30))
    doc.add_heading("Incident response handbook", level=0)
    doc.add_paragraph(w.paragraph("Hearth", 3))
    doc.add_heading("Severities", level=1)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["Severity", "Meaning", "Acknowledge within"], strict=True):
        cell.text = text
    rows = [("SEV1", "customers cannot use Sprocket or Fleetwise", "10 minutes"),
            ("SEV2", "a service is degraded on kiln-prod", "30 minutes"),
            ("SEV3", "internal tooling is degraded", "next business day"),
            ("SEV4", "cosmetic or single-user problem", "next business day")]  # fmt: skip
    for sev in rows:
        for cell, text in zip(table.add_row().cells, sev, strict=True):
            cell.text = text
    doc.add_heading("During an incident", level=1)
    for fact in FACTS_BY_TOPIC["Hearth"] + FACTS_BY_TOPIC["Anvil"][:2]:
        doc.add_paragraph(fact.sentence, style="List Bullet")
    doc.add_heading("After an incident", level=1)
    doc.add_paragraph(w.paragraph("Hearth", 2, with_fact=False))
    for inc in ctx.incidents[:3]:
        doc.add_paragraph(f"Example: {inc.title}. Cause: {inc.cause}. Fix: we {inc.fix}.")
    return rel, _save(doc)


def build_docx(ctx: Context) -> list[str]:
    rng = ctx.rng("docx")
    w = Writer(rng, ctx.company)
    written = []
    for make in (vendor_payments, incident_handbook):
        rel, data = make(ctx, rng, w)
        ctx.write(rel, data)
        written.append(rel)
    return written
