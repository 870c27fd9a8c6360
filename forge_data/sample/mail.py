"""An mbox of engineering and support mail, written with the standard library's ``mailbox`` module.

Real RFC 5322 messages: From/To/Subject/Date/Message-ID headers, reply chains with In-Reply-To
and References and quoted text, a multipart message with a text attachment, a quoted-printable
body and a base64 body. Ground truth covers values in message bodies and text attachments
(decoded); addresses in headers are not listed.
"""

from __future__ import annotations

import mailbox
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, formataddr

from . import values
from .company import DOMAIN, FACTS, FACTS_BY_TOPIC, PRODUCTS, Person
from .context import Context
from .manifest import Location
from .prose import Writer

SOURCE = "mail"
FILE = "mail/acme-eng.mbox"
ENG_LIST = ("Engineering", f"eng@{DOMAIN}")
SUPPORT = ("Acme Support", f"support@{DOMAIN}")

CUSTOMER_ASKS = [
    ("Fleetwise export of pick rates", "Could you tell us how to export pick rates per shift from Fleetwise? Our "
     "operations team needs them every Monday."),
    ("Sprocket stuck with amber light", "One of our Sprocket robots in aisle 14 stopped and is blinking amber. "
     "Is there anything we can do on site before your team looks at it?"),
    ("Fleetwise dashboard slow", "Since Tuesday the Fleetwise fleet view takes almost a minute to load for our site."),
    ("Invoice question", "We were charged twice for last month's Fleetwise subscription. Can you check?"),
]  # fmt: skip


class Mbox:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.rng = ctx.rng("mail")
        self.w = Writer(self.rng, ctx.company)
        self.messages: list[EmailMessage] = []

    def msg_id(self) -> str:
        return f"<{self.rng.getrandbits(64):016x}.{len(self.messages) + 1}@{DOMAIN}>"

    def where(self, msg: EmailMessage) -> Location:
        return Location(SOURCE, FILE, f"message_id={msg['Message-ID']}")

    def signature(self, p: Person) -> str:
        org = p.org if p.external else f"{p.team}, Acme Robotics"
        return f"\n\n-- \n{p.name}\n{p.title}, {org}\nMobile: {p.phone}\n"

    def sign(self, msg: EmailMessage, p: Person) -> None:
        for type_, value in (("PERSON", p.name), ("PHONE_NUMBER", p.phone)):
            self.ctx.ledger.pii(type_, value, self.where(msg))

    def message(self, sender: tuple[str, str], to: tuple[str, str], subject: str, body: str, when: datetime,
                reply_to: EmailMessage | None = None, cte: str | None = None) -> EmailMessage:  # fmt: skip
        msg = EmailMessage(policy=default_policy)
        msg["From"] = formataddr(sender)
        msg["To"] = formataddr(to)
        msg["Subject"] = subject if reply_to is None else "Re: " + reply_to["Subject"].removeprefix("Re: ")
        msg["Date"] = format_datetime(when)
        msg["Message-ID"] = self.msg_id()
        if reply_to is not None:
            msg["In-Reply-To"] = reply_to["Message-ID"]
            refs = reply_to.get("References", "")
            msg["References"] = (refs + " " if refs else "") + reply_to["Message-ID"]
            quoted = "\n".join("> " + line if line else ">" for line in _plain_body(reply_to).splitlines())
            body = f"{body}\n\nOn {format_datetime(_date(reply_to))}, {reply_to['From']} wrote:\n{quoted}\n"
        if cte is None:
            cte = "7bit" if body.isascii() else "8bit"
        msg.set_content(body, cte=cte)
        # Without this, mailbox writes "From MAILER-DAEMON <now>"; the envelope line must be reproducible.
        msg.set_unixfrom(f"From {sender[1]} {time.asctime(when.timetuple())}")
        self.messages.append(msg)
        return msg

    def support_thread(self, cust: Person, subject: str, ask: str, when: datetime) -> None:
        engineer = self.rng.choice(self.ctx.company.team_members("Fleet Software") or self.ctx.company.people)
        first = self.message(
            (cust.name, cust.email),
            SUPPORT,
            subject,
            f"Hello,\n\n{ask}\n\nThanks,{self.signature(cust)}",
            when,
        )
        self.sign(first, cust)
        fact = self.rng.choice(FACTS_BY_TOPIC["Anvil"] + FACTS_BY_TOPIC["Foundry"])
        answer = (f"Hi {cust.first},\n\nThanks for reaching out. {self.w.paragraph('Fleetwise', 2, with_fact=False)}\n\n"
                  f"For context on our side: {fact.sentence}\n\nBest,{self.signature(engineer)}")  # fmt: skip
        second = self.message((engineer.name, engineer.email), (cust.name, cust.email), "", answer,
                              when + timedelta(hours=self.rng.randrange(1, 20)), reply_to=first)  # fmt: skip
        self.sign(second, engineer)
        self.sign(second, cust)  # the quoted signature of the customer
        if self.rng.random() < 0.7:
            third = self.message((cust.name, cust.email), (engineer.name, engineer.email), "",
                                 f"That solved it, thank you!{self.signature(cust)}",
                                 when + timedelta(days=1, hours=2), reply_to=second)  # fmt: skip
            self.sign(third, cust)
            self.sign(third, engineer)

    def announcement(self, sender: Person, subject: str, topic: str, when: datetime) -> None:
        facts = FACTS_BY_TOPIC.get(topic, [])
        body = f"Hi all,\n\n{self.w.paragraph(topic, 3)}\n\n"
        body += "".join(f"- {f.sentence}\n" for f in facts[:3])
        channel = next((p.channel for p in PRODUCTS if p.name == topic), "general")
        body += f"\nQuestions to #{channel}."
        msg = self.message(
            (sender.name, sender.email), ENG_LIST, subject, body + self.signature(sender), when
        )
        self.sign(msg, sender)

    def incident_report(self, inc) -> None:
        c = inc.commander
        body = (f"Hi all,\n\n{inc.id} ({inc.severity}) is resolved. For {inc.minutes} minutes the {inc.metric} of "
                f"{inc.service} on {inc.cluster} was far above normal. The cause: {inc.cause}. We {inc.fix}.\n\n"
                f"The timeline is attached; the postmortem follows on the wiki.{self.signature(c)}")  # fmt: skip
        msg = self.message((c.name, c.email), ENG_LIST, f"[{inc.id}] resolved: {inc.service} {inc.metric}", body,
                           inc.at(inc.minutes + 90))  # fmt: skip
        timeline = "\n".join(f"{inc.at(m).strftime('%H:%M')} UTC  {e}" for m, e in inc.timeline()) + "\n"
        msg.add_attachment(timeline, subtype="plain", filename=f"{inc.id.lower()}-timeline.txt")
        msg.set_boundary(f"==============={self.rng.getrandbits(60):019d}==")
        self.sign(msg, c)
        for p in [c, *inc.responders]:
            self.ctx.ledger.pii("PERSON", p.name, self.where(msg))  # named in the attached timeline

    def hr_welcome(self, when: datetime) -> None:
        """Quoted-printable: accents, curly quotes and long lines, as mail clients send them."""
        hire = self.rng.choice(self.ctx.company.people)
        ssn = values.ssn(self.rng)
        personal = f"{hire.handle.replace('.', '')}{self.rng.randrange(10, 99)}@gmail.com"
        body = (f"Hi {hire.first},\n\nWelcome to Acme Robotics! We’re thrilled you’re joining the {hire.team} team "
                f"on Monday — your buddy will meet you at reception in the Reno office at 09:00.\n\n"
                f"We have your details on file as: {hire.name}, SSN {ssn}, personal e-mail {personal}, "
                f"phone {hire.phone}, employee ID {hire.employee_id}. Please reply if anything is wrong; "
                f"your first pay slip depends on it.\n\nOn day one you will run `tongs login` and `tongs doctor`. "
                f"{FACTS_BY_TOPIC['Tongs'][0].sentence}\n\nÀ bientôt et bienvenue,\nPeople Operations")  # fmt: skip
        msg = self.message(("People Operations", f"people-ops@{DOMAIN}"), (hire.name, personal),
                           f"Welcome to Acme Robotics, {hire.first}!", body, when, cte="quoted-printable")  # fmt: skip
        for type_, value in (("PERSON", hire.name), ("US_SSN", ssn), ("EMAIL_ADDRESS", personal),
                             ("PHONE_NUMBER", hire.phone), ("EMPLOYEE_ID", hire.employee_id)):  # fmt: skip
            self.ctx.ledger.pii(type_, value, self.where(msg))

    def vendor_invoice(self, when: datetime) -> None:
        """A base64 body, as some billing systems send plain text."""
        payer = self.rng.choice(self.ctx.company.people)
        iban, card = values.iban(self.rng), values.credit_card(self.rng)
        body = (f"Dear {payer.name},\n\nInvoice KH-{self.rng.randrange(10000, 99999)} for kiln colocation in "
                f"January is attached to your account. Amount due: $18,400.00.\n\nPay by transfer to IBAN {iban} "
                f"or we will charge the card on file ({card}) on the due date.\n\nKiln Hosting Billing")  # fmt: skip
        msg = self.message(("Kiln Hosting Billing", "billing@kilnhosting.com"), (payer.name, payer.email),
                           "Your invoice from Kiln Hosting", body, when, cte="base64")  # fmt: skip
        for type_, value in (("PERSON", payer.name), ("IBAN_CODE", iban), ("CREDIT_CARD", card)):
            self.ctx.ledger.pii(type_, value, self.where(msg))

    def token_mail(self, when: datetime) -> None:
        a, b = self.rng.sample(self.ctx.company.people, 2)
        marker = values.canary_token(self.rng)
        token = values.github_token(self.rng, body=marker)
        prefix = "export GITHUB_TOKEN=ghp_"
        body = (f"Hi {b.first},\n\nThe release script needs the bot token until Crucible can read it; use this:\n\n"
                f"    {prefix}{token[4:]}\n\nCheers,{self.signature(a)}")  # fmt: skip
        msg = self.message((a.name, a.email), (b.name, b.email), "release bot token", body, when)
        self.ctx.ledger.secret("GITHUB_TOKEN", token, self.where(msg))
        self.ctx.ledger.canary(marker, prefix, "GITHUB_TOKEN", token, self.where(msg))
        self.sign(msg, a)
        reply = (f"Please don't mail tokens. {FACTS_BY_TOPIC['Lockbox'][0].sentence} I have rotated this one."
                 f"{self.signature(b)}")  # fmt: skip
        second = self.message(
            (b.name, b.email), (a.name, a.email), "", reply, when + timedelta(minutes=25), reply_to=msg
        )
        self.ctx.ledger.secret("GITHUB_TOKEN", token, self.where(second))  # quoted in the reply
        self.sign(second, b)
        self.sign(second, a)

    def engineer_question(self, when: datetime) -> None:
        a, b = self.rng.sample(self.ctx.company.people, 2)
        fact = self.rng.choice(FACTS)
        q = self.message((a.name, a.email), (b.name, b.email), fact.question,
                         f"Hi {b.first},\n\n{fact.question} I could not find it on the wiki.\n\nThanks,\n{a.first}", when)  # fmt: skip
        self.message((b.name, b.email), (a.name, a.email), "", f"Hi {a.first},\n\n{fact.sentence}\n\n{b.first}",
                     when + timedelta(hours=2), reply_to=q)  # fmt: skip

    def crucible_notice(self, when: datetime) -> None:
        svc = self.rng.choice(["anvil-server", "foundry-api", "hearth-pager", "bellows-web", "tongs"])
        sha = "".join(self.rng.choice("0123456789abcdef") for _ in range(7))
        owner = self.rng.choice(self.ctx.company.people)
        body = (f"The main build of {svc} failed at stage test (commit {sha}).\n\nRun `tongs crucible logs {svc}` "
                f"for the log. No billet was produced, so Anvil will keep shipping the previous one.\n\n-- Crucible")  # fmt: skip
        self.message(("Crucible", "crucible@acme.internal"), (owner.name, owner.email), f"[crucible] {svc}: build failed",
                     body, when)  # fmt: skip

    def build(self) -> int:
        rng, ctx = self.rng, self.ctx

        def day(offset: int, hour: float) -> datetime:
            return self.w.when(offset, hour + rng.randrange(60) / 60)

        for i, cust in enumerate(ctx.company.customers):
            subject, ask = CUSTOMER_ASKS[i % len(CUSTOMER_ASKS)]
            self.support_thread(cust, subject, ask, day(3 + 5 * i, rng.randrange(8)))
        platform = ctx.company.team_members("Platform") or ctx.company.people
        for i, (subject, topic) in enumerate([("Cold Friday starts this week", "Anvil"),
                                              ("Anvil now quenches on Bellows alerts", "Anvil"),
                                              ("Foundry: ingots are kept for 90 days", "Foundry"),
                                              ("Tongs 2.0 is out", "Tongs"),
                                              ("Lockbox access review", "Lockbox")]):  # fmt: skip
            self.announcement(rng.choice(platform), subject, topic, day(4 + 9 * i, 1))
        for inc in ctx.incidents[: 3 * ctx.scale]:
            self.incident_report(inc)
        self.hr_welcome(day(8, 2))
        self.vendor_invoice(day(12, 3))
        self.vendor_invoice(day(40, 3))
        self.token_mail(day(17, 5))
        for i in range(8 * ctx.scale):
            self.engineer_question(day(1 + (i * 53) % 55, rng.randrange(8)))
        for i in range(6 * ctx.scale):
            self.crucible_notice(day(2 + (i * 37) % 55, rng.randrange(8)))
        self.messages.sort(key=_date)
        path = ctx.root / FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        box = mailbox.mbox(path, create=True)
        try:
            for msg in self.messages:
                box.add(msg)
            box.flush()
        finally:
            box.close()
        return len(self.messages)


def _date(msg: EmailMessage) -> datetime:
    return msg["Date"].datetime


def _plain_body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def build_mail(ctx: Context) -> int:
    return Mbox(ctx).build()
