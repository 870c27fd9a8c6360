"""Chat and mail exports: Slack, Discord, Mattermost, mbox/.eml and IRC become conversations."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from .conftest import meta, reasons, rows
from .fixtures import make_zip

NAMES = ("alice", "Alice", "Bob", "bob", "Smith", "Jones", "carol")


def assert_no_names(result) -> None:
    """People appear only as hashed ids in metadata and provenance (texts are redacted later)."""
    for r in result.records.to_pylist():
        exposed = (
            r["metadata"]
            + json.dumps(r["provenance"])
            + r["uri"]
            + " ".join(t["speaker"] for t in r["turns"])
        )
        assert not [n for n in NAMES if n in exposed], r["uri"]


def write_slack(root: Path) -> None:
    def put(rel: str, data) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(data if isinstance(data, str) else json.dumps(data))

    put("channels.json", [{"id": "C1", "name": "general"}, {"id": "C2", "name": "ops"}])
    put("users.json", [{"id": "U1", "name": "alice", "real_name": "Alice Smith"},
                       {"id": "U2", "name": "bob", "real_name": "Bob Jones"},
                       {"id": "B9", "name": "deploybot", "is_bot": True}])  # fmt: skip
    put("mpims.json", [{"id": "G5", "name": "mpdm-alice--bob-1", "members": ["U1", "U2"]}])
    put("general/2024-01-05.json", [
        {"type": "message", "subtype": "channel_join", "user": "U2", "text": "<@U2> has joined", "ts": "1704445000.000100"},
        {"type": "message", "user": "U1", "text": "Deploy at 10, <@U2> can you check <#C2|ops>?",
         "ts": "1704445200.000200", "thread_ts": "1704445200.000200", "reply_count": 2},
        {"type": "message", "user": "U2", "text": "On it &amp; watching <https://grafana.example/d/1|the dashboard>",
         "ts": "1704445300.000300", "thread_ts": "1704445200.000200", "parent_user_id": "U1"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B9", "username": "deploybot", "text": "",
         "attachments": [{"fallback": "Deploy finished: v1.2"}], "ts": "1704446000.000400"},
        {"type": "message", "user": "U1", "text": "Lunch anyone?", "ts": "1704450000.000500"},
    ])  # fmt: skip
    put("general/2024-01-06.json", [
        {"type": "message", "user": "U1", "text": "All good, closing.", "ts": "1704531600.000100",
         "thread_ts": "1704445200.000200"},
        {"type": "message", "subtype": "file_share", "user": "U2", "text": "postmortem draft",
         "files": [{"name": "postmortem.md"}], "ts": "1704531700.000200"},
        "not a message",
        {"type": "message", "user": "U1", "text": "no timestamp"},
    ])  # fmt: skip
    put("ops/2024-01-05.json", "{not json")
    put(
        "mpdm-alice--bob-1/2024-01-05.json",
        [{"type": "message", "user": "U1", "text": "private", "ts": "1704445200.1"}],
    )


def check_slack(result, prefix: str) -> None:
    recs = rows(result)
    assert set(recs) == {
        f"slack://{prefix}general/1704445200.000200",
        f"slack://{prefix}general/2024-01-05",
        f"slack://{prefix}general/2024-01-06",
        f"slack://{prefix}G5/2024-01-05",
    }
    thread = recs[f"slack://{prefix}general/1704445200.000200"]
    turns = thread["turns"]
    assert [t["text"] for t in turns[1:]] == [
        "On it & watching the dashboard (https://grafana.example/d/1)",
        "All good, closing.",
    ]
    alice, bob = turns[0]["speaker"], turns[1]["speaker"]
    assert alice.startswith("u-") and bob.startswith("u-") and alice != bob and turns[2]["speaker"] == alice
    assert f"@{bob} can you check #ops?" in turns[0]["text"]  # the mention is the same id as bob's turns
    assert turns[2]["time"] == datetime(
        2024, 1, 6, 9, 0, 0, 100, tzinfo=UTC
    )  # a reply from the next day's file
    assert (thread["kind"], thread["provenance"]["thread"], thread["provenance"]["channel"]) == (
        "chat", "1704445200.000200", "general")  # fmt: skip
    assert (
        thread["text"].splitlines()[0]
        == f"[2024-01-05 09:00] {alice}: Deploy at 10, @{bob} can you check #ops?"
    )
    assert thread["language"] == "en"
    day = recs[f"slack://{prefix}general/2024-01-05"]
    assert [t["text"] for t in day["turns"]] == ["Deploy finished: v1.2", "Lunch anyone?"]
    assert day["turns"][0]["speaker"].startswith("b-")
    assert (
        recs[f"slack://{prefix}general/2024-01-06"]["turns"][0]["text"]
        == "postmortem draft\n[file: postmortem.md]"
    )
    assert reasons(result) == {
        f"{prefix}general/2024-01-06.json#2": "parse_error",
        f"{prefix}general/2024-01-06.json#3": "parse_error",
        f"{prefix}ops/2024-01-05.json": "parse_error",
    }
    assert result.stats["skipped_subtypes"] == {"channel_join": 1}
    assert_no_names(result)


def test_slack_export_folder_and_zip(tmp_path, ingest):
    folder = tmp_path / "slack"
    write_slack(folder)
    check_slack(ingest("chat", folder), "")
    (tmp_path / "export.zip").write_bytes(
        make_zip({p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()})
    )
    check_slack(ingest("chat", tmp_path / "export.zip"), "export.zip!/")


def test_discord_reply_chains_become_threads(tmp_path, ingest):
    alice = {"id": "1", "name": "alice", "nickname": "Alice", "isBot": False}
    bob = {"id": "2", "name": "bob", "nickname": "Bob", "isBot": False}

    def msg(mid, kind, author, content, minute, ref=None, mentions=()):
        m = {"id": mid, "type": kind, "timestamp": f"2024-03-01T10:{minute:02d}:00+00:00", "content": content,
             "author": author, "mentions": list(mentions), "attachments": []}  # fmt: skip
        if ref:
            m["reference"] = {"messageId": ref, "channelId": "900"}
        return m

    export = {
        "guild": {"id": "5", "name": "ACME"},
        "channel": {"id": "900", "type": "GuildTextChat", "name": "support"},
        "messages": [
            msg("11", "Default", alice, "Is the API down?", 0),
            msg("12", "Reply", bob, "@Alice yes, looking into it", 1, ref="11", mentions=[alice]),
            msg("13", "GuildMemberJoin", alice, "", 2),
            msg("14", "Default", bob, "unrelated: standup moved", 3),
            msg("15", "Reply", alice, "thanks <@2>", 4, ref="12"),
            {"type": "Default", "content": "no id"},
        ],
    }
    (tmp_path / "support.json").write_text(json.dumps(export))
    result = ingest("chat", tmp_path)
    recs = rows(result)
    thread = recs["discord://900/11"]
    speakers = [t["speaker"] for t in thread["turns"]]
    assert speakers[0] == speakers[2] != speakers[1]
    assert thread["turns"][1]["text"] == f"@{speakers[0]} yes, looking into it"
    assert thread["turns"][2]["text"] == f"thanks @{speakers[1]}"
    assert [t["text"] for t in recs["discord://900/2024-03-01"]["turns"]] == ["unrelated: standup moved"]
    assert reasons(result) == {"support.json#malformed-0": "parse_error"}
    assert result.stats["skipped_subtypes"] == {"discord:GuildMemberJoin": 1}
    assert_no_names(result)


def test_mattermost_bulk_export(tmp_path, ingest):
    lines = [
        {"type": "version", "version": 1},
        {"type": "team", "team": {"name": "acme", "display_name": "ACME"}},
        {"type": "channel", "channel": {"team": "acme", "name": "town-square"}},
        {"type": "user", "user": {"username": "alice", "email": "alice@example.com"}},
        {"type": "user", "user": {"username": "bob", "email": "bob@example.com"}},
        {"type": "post", "post": {"team": "acme", "channel": "town-square", "user": "alice",
                                  "message": "Who owns the billing alerts?", "create_at": 1709287200000,
                                  "replies": [{"user": "bob", "message": "@alice the payments team",
                                               "create_at": 1709287260000}]}},
        {"type": "post", "post": {"team": "acme", "channel": "town-square", "user": "bob",
                                  "message": "Release notes are out", "create_at": 1709290800000}},
        {"type": "post", "post": {"team": "acme", "channel": "town-square", "user": "bob",
                                  "type": "system_join_channel", "message": "bob joined", "create_at": 1709290900000}},
        {"type": "direct_post", "direct_post": {"channel_members": ["alice", "bob"], "user": "alice",
                                                "message": "can we talk later?", "create_at": 1709294400000}},
    ]  # fmt: skip
    text = (
        "\n".join(json.dumps(line) for line in lines[:6])
        + "\n{broken json\n"
        + "\n".join(json.dumps(line) for line in lines[6:])
    )
    (tmp_path / "export.jsonl").write_text(text + "\n")
    result = ingest("chat", tmp_path)
    recs = rows(result)
    thread = next(r for r in recs.values() if r["provenance"]["thread"])
    alice, bob = (t["speaker"] for t in thread["turns"])
    assert thread["turns"][1]["text"] == f"@{alice} the payments team"
    assert recs["mattermost://acme/town-square/2024-03-01"]["turns"][0]["text"] == "Release notes are out"
    direct = [r for u, r in recs.items() if u.startswith("mattermost://direct/")]
    assert len(direct) == 1 and direct[0]["turns"][0]["speaker"] == alice
    assert reasons(result) == {"export.jsonl#L7": "parse_error"}
    assert result.stats["skipped_subtypes"] == {"mattermost:system_join_channel": 1}
    assert_no_names(result)


MBOX = (
    b"""From alice@example.com Mon Jan  8 10:00:00 2024
From: Alice Smith <alice@example.com>
To: team@example.com
Subject: Release plan
Message-ID: <r1@example.com>
Date: Mon, 08 Jan 2024 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

We release on Thursday. The caf=C3=A9 opens at 9.
>From the changelog: nothing risky.

--b1
Content-Type: text/html; charset=utf-8

<p>We release on Thursday.</p>
--b1--

From bob@example.com Mon Jan  8 11:00:00 2024
From: =?utf-8?q?Bob_J=C3=B6nes?= <bob@example.com>
Subject: Re: Release plan
Message-ID: <r2@example.com>
In-Reply-To: <r1@example.com>
References: <r1@example.com>
Date: Mon, 08 Jan 2024 11:00:00 +0000
Content-Type: text/plain; charset=windows-1251
Content-Transfer-Encoding: base64

"""
    + __import__("base64").encodebytes(
        "Согласен, выпускаем в четверг.\n\nOn Mon, 8 Jan 2024 Alice Smith <alice@example.com> wrote:\n> We release on Thursday.\n".encode(
            "cp1251"
        )
    )
    + b"""
From carol@example.com Mon Jan  8 12:00:00 2024
From: carol@example.com
Subject: RE: Release plan
Message-ID: <r3@example.com>
Date: Mon, 08 Jan 2024 12:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b2"

--b2
Content-Type: text/plain

"""
    + "Проверьте заметки во вложении, пожалуйста. Там весь план выпуска.\n".encode("cp1251")
    + b"""
--b2
Content-Type: text/plain; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"
Content-Transfer-Encoding: base64

UmVsZWFzZSBjaGVja2xpc3Q6IG1pZ3JhdGUsIGRlcGxveSwgdmVyaWZ5Lg==

--b2
Content-Type: image/png; name="chart.png"
Content-Disposition: attachment; filename="chart.png"
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--b2--

From x Mon Jan  8 13:00:00 2024
From: <<<broken@@
Subject: =?bogus-charset?q?Lunch?=
Date: not a date
X-Raw: caf\xe9 au lait
Message-ID: <l1@example.com>

Lunch at noon?
"""
)


def test_mbox_threads_charsets_attachments_and_broken_headers(tmp_path, ingest):
    (tmp_path / "team.mbox").write_bytes(MBOX)
    result = ingest("chat", tmp_path)
    recs = rows(result)
    assert set(recs) == {"mbox://team.mbox#r1@example.com", "mbox://team.mbox#l1@example.com"}
    thread = recs["mbox://team.mbox#r1@example.com"]
    texts = [t["text"] for t in thread["turns"]]
    assert texts[0] == "We release on Thursday. The café opens at 9.\nFrom the changelog: nothing risky."
    assert texts[1] == "Согласен, выпускаем в четверг."  # cp1251 declared; quote and attribution removed
    assert texts[2].startswith("Проверьте заметки во вложении")  # undeclared cp1251 detected
    assert "[attachment: notes.txt]\nRelease checklist: migrate, deploy, verify." in texts[2]
    assert len({t["speaker"] for t in thread["turns"]}) == 3
    assert thread["title"] == "Release plan" and thread["provenance"]["thread"] == "r1@example.com"
    m = meta(thread)
    assert (m["text_attachments"], m["skipped_attachments"], m["messages"]) == (1, 1, 3)
    lunch = recs["mbox://team.mbox#l1@example.com"]
    assert lunch["turns"][0]["text"] == "Lunch at noon?" and lunch["turns"][0]["time"] is None
    assert result.stats["chat_messages"] == {"mbox": 4}
    assert_no_names(result)


def test_mbox_message_over_the_limit_is_quarantined_alone(tmp_path, ingest):
    big = b"From a\nFrom: a@example.com\nMessage-ID: <big@x>\nSubject: big\n\n" + b"x" * 5000 + b"\n"
    small = b"From b\nFrom: b@example.com\nMessage-ID: <small@x>\nSubject: small\n\nshort note\n"
    (tmp_path / "box.mbox").write_bytes(big + small)
    result = ingest("chat", tmp_path, max_file_bytes=2000)
    assert reasons(result) == {"mbox://box.mbox#0": "too_large"}
    assert list(rows(result)) == ["mbox://box.mbox#small@x"]


def test_eml_files_thread_across_folders(tmp_path, ingest):
    (tmp_path / "in").mkdir()
    (tmp_path / "sent").mkdir()
    (tmp_path / "in/1.eml").write_bytes(
        b"From: Dana <dana@example.com>\r\nSubject: Access request\r\nMessage-ID: <a1@x>\r\n"
        b"Date: Tue, 09 Jan 2024 09:00:00 +0000\r\n\r\nPlease grant me access to the billing repo.\r\n"
    )
    (tmp_path / "sent/2.eml").write_bytes(
        b"From: ops@example.com\r\nSubject: Re: Access request\r\nMessage-ID: <a2@x>\r\nIn-Reply-To: <a1@x>\r\n"
        b"Date: Tue, 09 Jan 2024 10:00:00 +0000\r\n\r\nDone, you have read access.\r\n"
    )
    (tmp_path / "in/broken.eml").write_bytes(b"just some words without any header\n")
    result = ingest("chat", tmp_path)
    recs = rows(result)
    assert list(recs) == ["eml://in/1.eml#a1@x"]
    assert [t["text"] for t in recs["eml://in/1.eml#a1@x"]["turns"]] == [
        "Please grant me access to the billing repo.",
        "Done, you have read access.",
    ]
    assert reasons(result) == {"in/broken.eml": "parse_error"}


def test_irc_log_days_events_and_addressing(tmp_path, ingest):
    (tmp_path / "#ops.2024-01-05.log").write_text(
        "--- Log opened Fri Jan 05 09:00:00 2024\n"
        "[09:01] <alice> morning, deploy today?\n"
        "[09:02] <@bob> alice: yes at 10\n"
        "[09:02] -!- carol [~c@host] has joined #ops\n"
        "[09:03] * alice waves\n"
        "--- Day changed Sat Jan 06 2024\n"
        "[10:00] <bob> weekend deploy went fine\n"
    )
    (tmp_path / "notes.txt").write_text("not an irc log at all\n")
    result = ingest("chat", tmp_path)
    recs = rows(result)
    day1 = recs["irc://#ops.2024-01-05.log#2024-01-05"]
    alice, bob = day1["turns"][0]["speaker"], day1["turns"][1]["speaker"]
    assert [t["text"] for t in day1["turns"]] == ["morning, deploy today?", f"@{alice}: yes at 10", "* waves"]
    assert day1["turns"][1]["time"] == datetime(2024, 1, 5, 9, 2, tzinfo=UTC)
    assert meta(day1)["events"] == 1 and day1["provenance"]["channel"] == "#ops"
    assert recs["irc://#ops.2024-01-05.log#2024-01-06"]["turns"][0]["speaker"] == bob
    assert reasons(result) == {"notes.txt": "unsupported_format"}
    assert_no_names(result)


def test_broken_unicode_in_a_channel_name_does_not_lose_the_export(tmp_path, ingest):
    # "\ud800" is valid JSON but a lone surrogate in Python, which Arrow cannot store.
    (tmp_path / "export.jsonl").write_text(
        '{"type": "version", "version": 1}\n'
        '{"type": "post", "post": {"team": "acme", "channel": "ops\\ud800", "user": "dana",'
        ' "message": "hello there, team", "create_at": 1709287200000}}\n'
    )
    result = ingest("chat", tmp_path)
    assert list(rows(result)) == ["mattermost://acme/ops\ufffd/2024-03-01"]
