"""A Slack workspace export, laid out and encoded the way Slack's export writes it.

``channels.json``, ``users.json``, ``integration_logs.json`` and one ``<channel>/<YYYY-MM-DD>.json``
per channel and UTC day, each a JSON array of message objects. Like Slack's exporter the JSON is
indented by four spaces, escapes ``/`` and non-ASCII characters, and message ``text`` escapes
``& < >`` outside of mentions and links. Thread parents carry ``reply_count``, ``replies`` and
``latest_reply``; replies share the parent's ``thread_ts``.

Names in ``user_profile`` objects repeat ``users.json``; the ledger records them once, for
``slack/users.json``. Names, e-mails and other values inside message text are recorded per
message (``ts=<ts>``).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from . import values
from .company import FACTS, FACTS_BY_TOPIC, PRODUCTS, Fact, Person
from .context import Context
from .manifest import Location
from .prose import EPOCH, SERVICES, Writer

SOURCE = "slack"
TEAM = "T0ACME0001"
CHANNELS = [
    ("general", "Company-wide announcements and questions", None),
    ("random", "Anything that is not work", None),
    ("anvil-help", "Questions about Anvil, sparks, tempers and quenches", "Anvil"),
    ("foundry", "Foundry datasets, ingots and the slag queue", "Foundry"),
    ("tongs-dev", "Tongs CLI: help and development", "Tongs"),
    ("crucible", "Crucible builds and billets", "Crucible"),
    ("bellows", "Dashboards and alerts", "Bellows"),
    ("incidents", "Live incidents; Hearth posts here", "Hearth"),
    ("security", "Lockbox, Gatehouse and security questions", "Lockbox"),
    ("fleet", "Sprocket and Fleetwise, customer issues", "Sprocket"),
]
BOTS = {"anvil-bot": "B0ANVIL001", "hearth": "B0HEARTH01", "crucible": "B0CRUCIB01"}
_SPECIAL = re.compile(r"(<[@#][A-Z0-9]+(?:\|[^>]*)?>|<https?://[^>|]+(?:\|[^>]*)?>)")

ASK = [
    "{q}",
    "quick question: {ql}",
    "hey folks, {ql}",
    "does anyone know {ql}",
    "sorry if this is obvious, {ql} (new here)",
    "{q} the wiki page seems out of date",
]
ANSWER = [
    "<@{asker}> {fact}",
    "{fact}",
    "{fact} There is more in the {topic} runbook on the wiki.",
    "yep: {fact}",
    "<@{asker}> {fact} Ping #{channel} if it misbehaves.",
]
CONTEXT = [
    "I'm moving {service} to kiln-{env} this week.",
    "Working on the {dataset} pipeline with {person} today.",
    "{person} pointed me here.",
    "Following up on {inc} from last week.",
    "Setting up my laptop for {service} work.",
    "We are preparing the {warehouse} rollout for {customer}.",
    "Our {metric} dashboard for {service} looks odd.",
    "Picking up the {dataset} ticket from {person}.",
]
THANKS = [
    "thanks!",
    "perfect, that worked",
    "ah, thank you :pray:",
    "got it, thanks <@{answerer}>",
    "that did it :tada:",
]
CHATTER = [
    "Lunch in the {warehouse} room today is tacos :taco:, {person} is buying",
    "Reminder: the {day} all-hands starts at {hour}:00 Pacific, {person} collects questions in the doc",
    "Has anyone seen the charger cable from the demo Sprocket? {person} needs it by {day}",
    "The coffee machine on floor {n} is fixed :coffee:",
    "Happy {day}! {person} brought cake for the {team} team :cake:",
    "Who is going to the {warehouse} site visit on {day}?",
    "Parking garage level {n} is closed on {day} for cleaning",
    "Reminder to submit your expenses before {day}, finance closes the month early",
    "{person} is giving a lunch talk on {day} about the {warehouse} rollout",
    "Lost and found: a blue hoodie in meeting room {n}, ask {person}",
    "The {warehouse} office Wi-Fi is flaky again, IT is on it",
    "Board games after work on {day}, {person} is hosting",
]


def _escape(text: str) -> str:
    """Slack's ``text`` encoding: & < > escaped, except inside mention and link markup."""
    parts = _SPECIAL.split(text)
    out = []
    for i, part in enumerate(parts):
        out.append(part if i % 2 else part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(out)


def _blocks(text: str, rng) -> list[dict]:
    elements = []
    for i, part in enumerate(_SPECIAL.split(text)):
        if not part:
            continue
        if i % 2 and part.startswith("<@"):
            elements.append({"type": "user", "user_id": part[2:-1]})
        elif i % 2 and part.startswith("<#"):
            elements.append({"type": "channel", "channel_id": part[2:-1].split("|")[0]})
        elif i % 2:
            url, _, label = part[1:-1].partition("|")
            elements.append({"type": "link", "url": url, **({"text": label} if label else {})})
        else:
            elements.append({"type": "text", "text": part})
    block_id = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789=+/") for _ in range(5)
    )
    return [
        {
            "type": "rich_text",
            "block_id": block_id,
            "elements": [{"type": "rich_text_section", "elements": elements}],
        }
    ]


def dump(obj) -> str:
    """JSON as Slack's exporter writes it: 4-space indent, ASCII-only, ``\\/`` for slashes."""
    return json.dumps(obj, indent=4, ensure_ascii=True).replace("/", "\\/") + "\n"


class SlackExport:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.rng = ctx.rng("slack")
        self.w = Writer(self.rng, ctx.company)
        self.people = ctx.company.people
        self.channel_ids = {
            name: "C0" + "".join(self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(9))
            for name, _, _ in CHANNELS
        }
        self.messages: dict[str, list[dict]] = defaultdict(list)
        self.used_ts: set[str] = set()
        self.avatars = {p.user_id: hashlib.md5(p.email.encode()).hexdigest()[:12] for p in self.people}

    # --- primitives --------------------------------------------------------------------------

    def ts(self, when: datetime) -> str:
        while True:
            ts = f"{int(when.timestamp())}.{self.rng.randrange(10**6):06d}"
            if ts not in self.used_ts:
                self.used_ts.add(ts)
                return ts

    @staticmethod
    def day_file(channel: str, ts: str) -> str:
        day = datetime.fromtimestamp(int(ts.split(".")[0]), tz=UTC).date().isoformat()
        return f"slack/{channel}/{day}.json"

    def where(self, channel: str, msg: dict) -> Location:
        return Location(SOURCE, self.day_file(channel, msg["ts"]), f"ts={msg['ts']}")

    def profile(self, p: Person) -> dict:
        return {
            "avatar_hash": "g" + self.avatars[p.user_id][:11],
            "image_72": f"https://secure.gravatar.com/avatar/{self.avatars[p.user_id]}.jpg?s=72&d=https%3A%2F%2Fa.slack-edge.com%2Fdf10d%2Fimg%2Favatars%2Fava_0001-72.png",
            "first_name": p.first,
            "real_name": p.name,
            "display_name": p.first.lower(),
            "team": TEAM,
            "name": p.handle,
            "is_restricted": False,
            "is_ultra_restricted": False,
        }

    def post(self, channel: str, who: Person, text: str, when: datetime, parent: dict | None = None) -> dict:
        ts = self.ts(when)
        msg = {
            "client_msg_id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "type": "message",
            "text": _escape(text),
            "user": who.user_id,
            "ts": ts,
            "blocks": _blocks(text, self.rng),
            "team": TEAM,
            "user_team": TEAM,
            "source_team": TEAM,
            "user_profile": self.profile(who),
        }
        if parent is not None:
            msg["thread_ts"] = parent["ts"]
            msg["parent_user_id"] = parent.get("user", parent.get("bot_id"))
            parent.setdefault("_replies", []).append(msg)
        self.messages[channel].append(msg)
        return msg

    def bot(self, channel: str, name: str, text: str, when: datetime) -> dict:
        msg = {
            "type": "message",
            "subtype": "bot_message",
            "text": _escape(text),
            "ts": self.ts(when),
            "username": name,
            "bot_id": BOTS[name],
            "icons": {"image_48": f"https://slack.acme.internal/bots/{name}-48.png"},
        }
        self.messages[channel].append(msg)
        return msg

    def join(self, channel: str, who: Person, when: datetime) -> None:
        msg = {
            "type": "message",
            "subtype": "channel_join",
            "ts": self.ts(when),
            "user": who.user_id,
            "text": f"<@{who.user_id}> has joined the channel",
            "user_profile": self.profile(who),
        }
        self.messages[channel].append(msg)

    def when(self) -> datetime:
        """A weekday moment during office hours (UTC 16:00-01:00 spans Pacific office hours)."""
        while True:
            day = self.rng.randrange(0, 56)
            if (EPOCH + timedelta(days=day)).weekday() < 5:
                return EPOCH + timedelta(
                    days=day, hours=7 + self.rng.randrange(0, 8), minutes=self.rng.randrange(60)
                )

    def pii(self, type_: str, value: str, channel: str, msg: dict) -> None:
        self.ctx.ledger.pii(type_, value, self.where(channel, msg))

    # --- conversations -----------------------------------------------------------------------

    def qa(self, fact: Fact) -> None:
        """A question about a fact, answered in a thread with the fact's own sentence."""
        rng = self.rng
        channel = next((c for c, _, t in CHANNELS if t == fact.topic), "general")
        if rng.random() < 0.25:
            channel = "general"
        asker, answerer = rng.sample(self.people, 2)
        t = self.when()
        q = fact.question
        # A line of context makes each thread its own: people rarely ask the same thing the same way.
        context = rng.choice(CONTEXT).format(**self.w.slots())
        question = rng.choice(ASK).format(q=q, ql=q[0].lower() + q[1:])
        parent = self.post(channel, asker, f"{context} {question}" if rng.random() < 0.8 else question, t)
        t += timedelta(minutes=rng.randrange(2, 40))
        ans = rng.choice(ANSWER).format(
            asker=asker.user_id, fact=fact.sentence, topic=fact.topic, channel=channel
        )
        if rng.random() < 0.6:
            ans += " " + self.w.sentence(fact.topic)
        self.post(channel, answerer, ans, t, parent)
        if rng.random() < 0.4:
            t += timedelta(minutes=rng.randrange(1, 20))
            self.post(channel, self.rng.choice(self.people), self.w.sentence(fact.topic), t, parent)
        if rng.random() < 0.7:
            t += timedelta(minutes=rng.randrange(1, 30))
            self.post(channel, asker, rng.choice(THANKS).format(answerer=answerer.user_id), t, parent)

    def discussion(self, topic: str) -> None:
        rng = self.rng
        channel = next((c for c, _, t in CHANNELS if t == topic), "general")
        t = self.when()
        starter = rng.choice(self.people)
        parent = self.post(channel, starter, "FYI: " + self.w.sentence(topic), t)
        for _ in range(rng.randrange(1, 4)):
            t += timedelta(minutes=rng.randrange(3, 90))
            self.post(channel, rng.choice(self.people), self.w.sentence(topic), t, parent)

    def incident(self, inc) -> None:
        c = inc.commander
        t = inc.start
        opened = self.bot("incidents", "hearth",
                          f":fire: {inc.id} opened ({inc.severity}): {inc.service} {inc.metric} on {inc.cluster}. "
                          f"Paging <@{c.user_id}>.", t)  # fmt: skip
        opened["thread_ts"] = opened["ts"]
        for minutes, event in inc.timeline()[2:]:
            speaker = c if "acknowledged" in event or "resolved" in event else inc.responders[0]
            text = event.replace(c.name, f"<@{c.user_id}>")
            for r in inc.responders:
                text = text.replace(r.name, f"<@{r.user_id}>")
            self.post("incidents", speaker, text, inc.at(minutes), opened)
        ip = values.ipv4(self.rng)
        msg = self.post("incidents", inc.responders[0], f"the errors all come from pods on node {ip}, cordoning it",
                        inc.at(inc.minutes // 2), opened)  # fmt: skip
        self.pii("IP_ADDRESS", ip, "incidents", msg)
        url = f"https://wiki.acme.internal/postmortems/{inc.id.lower()}"
        self.post("incidents", c, f"Postmortem draft: <{url}|{inc.id} postmortem>. Please add what I missed.",
                  inc.at(inc.minutes + 60), opened)  # fmt: skip

    def deploys(self, count: int) -> None:
        for _ in range(count):
            t = self.when()
            svc = self.rng.choice(SERVICES)
            billet = (
                f"{svc}-{self.w.version()}+{''.join(self.rng.choice('0123456789abcdef') for _ in range(7))}"
            )
            env = self.rng.choice(["staging", "prod", "prod"])
            self.bot(
                "anvil-help",
                "anvil-bot",
                f":fire: spark of {billet} started on kiln-{env} (5% of traffic, temper 20 minutes)",
                t,
            )
            if self.rng.random() < 0.85:
                self.bot("anvil-help", "anvil-bot", f":white_check_mark: {billet} promoted on kiln-{env} after the temper",
                         t + timedelta(minutes=21))  # fmt: skip
            else:
                self.bot("anvil-help", "anvil-bot", f":snowflake: {billet} quenched on kiln-{env}: Bellows alert during "
                         "the temper; the previous billet is live again", t + timedelta(minutes=self.rng.randrange(3, 19)))  # fmt: skip

    def builds(self, count: int) -> None:
        for _ in range(count):
            svc = self.rng.choice(SERVICES)
            sha = "".join(self.rng.choice("0123456789abcdef") for _ in range(7))
            ok = self.rng.random() < 0.8
            text = (f":white_check_mark: main build of {svc} passed; billet {svc}-{self.w.version()}+{sha} is shippable"
                    if ok else f":x: main build of {svc} failed at stage test ({sha}); see `tongs crucible logs {svc}`")  # fmt: skip
            self.bot("crucible", "crucible", text, self.when())

    def chatter(self, count: int) -> None:
        for _ in range(count):
            slots = self.w.slots()
            slots.update(day=self.rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
                         hour=str(self.rng.randrange(9, 12)), n=str(self.rng.randrange(2, 6)))  # fmt: skip
            text = self.rng.choice(CHATTER).format(**slots)
            self.post(self.rng.choice(["random", "general"]), self.rng.choice(self.people), text, self.when())

    def joins(self) -> None:
        for p in self.rng.sample(self.people, min(8, len(self.people))):
            t = self.when()
            for channel in self.rng.sample([c for c, _, _ in CHANNELS[2:]], 2):
                self.join(channel, p, t)
                t += timedelta(seconds=self.rng.randrange(5, 90))
            msg = self.post(
                "general", self.rng.choice(self.people), f"Welcome {p.name} to the {p.team} team! :wave:", t
            )
            self.pii("PERSON", p.name, "general", msg)

    def leaks(self) -> None:
        """The things people paste into chat that redaction has to catch."""
        rng, people, led = self.rng, self.people, self.ctx.ledger
        a, b, c, d, e = rng.sample(people, 5)
        # A personal address whose local part is a canary.
        marker = values.canary_token(rng)
        prefix = "I'm locked out of Gatehouse, please reach me at my personal address "
        msg = self.post("general", a, f"{prefix}{marker}@gmail.com or call me on {a.phone}", self.when())
        self.pii("EMAIL_ADDRESS", f"{marker}@gmail.com", "general", msg)
        self.pii("PHONE_NUMBER", a.phone, "general", msg)
        led.canary(marker, prefix, "EMAIL_ADDRESS", f"{marker}@gmail.com", self.where("general", msg))
        # An AWS key pasted while asking for help.
        key_id, _ = values.aws_key_pair(rng)
        msg = self.post("anvil-help", b, f"anvil ship fails with InvalidClientTokenId, I exported AWS_ACCESS_KEY_ID={key_id} "
                        "like the old wiki said", self.when())  # fmt: skip
        led.secret("AWS_ACCESS_KEY_ID", key_id, self.where("anvil-help", msg))
        self.post("anvil-help", c, f"<@{b.user_id}> please rotate that now. {FACTS_BY_TOPIC['Lockbox'][0].sentence}",
                  self.when_after(msg), msg)  # fmt: skip
        # A Gatehouse JWT while debugging Tongs.
        token = values.jwt(rng, c.employee_id, c.name, 1_706_000_000)
        msg = self.post(
            "tongs-dev", c, f"`tongs login` loops for me, this is the token it saves: {token}", self.when()
        )
        led.secret("JWT", token, self.where("tongs-dev", msg))
        # A Slack bot token in #bellows.
        xoxb = values.slack_token(rng)
        msg = self.post(
            "bellows", d, f"the alert bot stopped posting, is {xoxb} still the right token?", self.when()
        )
        led.secret("SLACK_TOKEN", xoxb, self.where("bellows", msg))
        # Customer details relayed from a support call.
        cust = rng.choice(self.ctx.company.customers)
        card = values.credit_card(rng, grouped=True)
        msg = self.post("fleet", e, f"{cust.name} from {cust.org} called (phone {cust.phone}): their Fleetwise invoice on card "
                        f"{card} was charged twice. Reply to {cust.email}", self.when())  # fmt: skip
        for type_, value in (("PERSON", cust.name), ("PHONE_NUMBER", cust.phone), ("CREDIT_CARD", card),
                             ("EMAIL_ADDRESS", cust.email)):  # fmt: skip
            self.pii(type_, value, "fleet", msg)
        # Bank details and a badge number.
        iban = values.iban(rng)
        msg = self.post("general", b, f"finance asked where to send my relocation refund, it's {iban}, is that ok to share here?",
                        self.when())  # fmt: skip
        self.pii("IBAN_CODE", iban, "general", msg)
        msg = self.post(
            "security",
            a,
            f"my badge {a.employee_id} stopped opening the Reno door since this morning",
            self.when(),
        )
        self.pii("EMPLOYEE_ID", a.employee_id, "security", msg)

    def when_after(self, msg: dict) -> datetime:
        return datetime.fromtimestamp(int(msg["ts"].split(".")[0]), tz=UTC) + timedelta(minutes=4)

    def crosspost(self) -> None:
        """The same announcement posted verbatim in two channels: an exact duplicate pair."""
        who = self.rng.choice(self.people)
        text = ("Reminder: " + next(f for f in FACTS if f.key == "freeze").sentence + " Plan your sparks for "
                "Thursday at the latest.")  # fmt: skip
        t = self.when()
        first = self.post("general", who, text, t)
        second = self.post("anvil-help", who, text, t + timedelta(minutes=1))
        self.ctx.ledger.pair(
            "message", self.where("general", first), self.where("anvil-help", second), 0.0, 1.0
        )

    # --- output --------------------------------------------------------------------------------

    def finish_threads(self) -> None:
        for msgs in self.messages.values():
            for m in msgs:
                replies = m.pop("_replies", None)
                if not replies:
                    continue
                replies.sort(key=lambda r: float(r["ts"]))  # replies may be written out of order
                m["thread_ts"] = m["ts"]
                m["reply_count"] = len(replies)
                users = list(dict.fromkeys(r["user"] for r in replies))
                m["reply_users_count"] = len(users)
                m["latest_reply"] = replies[-1]["ts"]
                m["reply_users"] = users
                m["replies"] = [{"user": r["user"], "ts": r["ts"]} for r in replies]
                m["is_locked"] = False
                m["subscribed"] = False

    def users_json(self) -> list[dict]:
        at = Location(SOURCE, "slack/users.json")
        out = []
        for p in self.people:
            for type_, value in (("PERSON", p.name), ("EMAIL_ADDRESS", p.email), ("PHONE_NUMBER", p.phone)):
                self.ctx.ledger.pii(type_, value, at)
            prof = self.profile(p)
            out.append({
                "id": p.user_id, "team_id": TEAM, "name": p.handle, "deleted": False, "color": self.avatars[p.user_id][:6],
                "real_name": p.name, "tz": p.tz, "tz_label": p.tz.split("/")[1].replace("_", " ") + " Time",
                "tz_offset": -28800 if "Los_Angeles" in p.tz else (-18000 if "New_York" in p.tz else 0 if "London" in p.tz else 3600),
                "profile": {"title": p.title, "phone": p.phone, "skype": "", "real_name": p.name,
                            "real_name_normalized": p.name, "display_name": prof["display_name"],
                            "display_name_normalized": prof["display_name"], "fields": None, "status_text": "",
                            "status_emoji": "", "status_expiration": 0, "avatar_hash": prof["avatar_hash"],
                            "email": p.email, "first_name": p.first, "last_name": p.name.split(" ", 1)[1],
                            "image_72": prof["image_72"], "team": TEAM},
                "is_admin": False, "is_owner": False, "is_primary_owner": False, "is_restricted": False,
                "is_ultra_restricted": False, "is_bot": False, "is_app_user": False, "updated": 1704700000,
            })  # fmt: skip
        for name, bot_id in BOTS.items():
            out.append({"id": "U" + bot_id[1:], "team_id": TEAM, "name": name, "deleted": False, "real_name": name,
                        "profile": {"bot_id": bot_id, "real_name": name, "display_name": "", "team": TEAM},
                        "is_bot": True, "is_app_user": False, "updated": 1704700000})  # fmt: skip
        return out

    def channels_json(self) -> list[dict]:
        creator = self.people[0].user_id
        out = []
        for name, purpose, _ in CHANNELS:
            members = sorted({m["user"] for m in self.messages[name] if "user" in m}) or [creator]
            out.append({
                "id": self.channel_ids[name], "name": name, "created": 1704000000, "creator": creator,
                "is_archived": False, "is_general": name == "general", "members": members,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": purpose, "creator": creator, "last_set": 1704000000},
            })  # fmt: skip
        return out

    def build(self) -> dict[str, int]:
        scale, rng = self.ctx.scale, self.rng
        for _ in range(3 * scale):
            for fact in FACTS:
                self.qa(fact)
        for _ in range(8 * scale):
            for p in PRODUCTS:
                if rng.random() < 0.5:
                    self.discussion(p.name)
        for inc in self.ctx.incidents:
            self.incident(inc)
        self.deploys(30 * scale)
        self.builds(20 * scale)
        self.chatter(25 * scale)
        self.joins()
        self.leaks()
        self.crosspost()
        self.finish_threads()
        files = 0
        for channel, msgs in self.messages.items():
            by_day: dict[str, list[dict]] = defaultdict(list)
            for m in sorted(msgs, key=lambda m: float(m["ts"])):
                by_day[self.day_file(channel, m["ts"])].append(m)
            for rel, day_msgs in sorted(by_day.items()):
                self.ctx.write(rel, dump(day_msgs))
                files += 1
        self.ctx.write("slack/users.json", dump(self.users_json()))
        self.ctx.write("slack/channels.json", dump(self.channels_json()))
        integrations = [{"service_id": bot_id, "service_type": name, "user_id": self.people[0].user_id,
                         "user_name": self.people[0].handle, "date": "1704000000", "change_type": "added",
                         "scope": "incoming-webhook"} for name, bot_id in BOTS.items()]  # fmt: skip
        self.ctx.write("slack/integration_logs.json", dump(integrations))
        return {"slack_messages": sum(len(m) for m in self.messages.values()), "slack_day_files": files}


def build_slack(ctx: Context) -> dict[str, int]:
    return SlackExport(ctx).build()
