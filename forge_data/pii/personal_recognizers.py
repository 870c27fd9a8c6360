"""Recognizers for personal data that Presidio's predefined set misses or under-scores.

- street addresses (US and UK forms, with unit, city, state and ZIP or postcode);
- credentials in URLs (``scheme://user:password@host``: the user-info part);
- undelimited SSNs right after an "SSN" label (Presidio scores a bare 9-digit run 0.05);
- person names after cues a person would also read as "a name follows": greetings, mentions,
  titles, "Author:", "TODO(name)", "Name <mail>"; spaCy's small model misses many single
  first names ("Hi Priya") and boundaries in code comments;
- e-mail with an offline public-suffix list, phones scored by formatting, and Mastercard's
  2-series numbers, as small subclasses of Presidio's own recognizers.
"""

from __future__ import annotations

import phonenumbers
import regex
import tldextract
from phonenumbers import phonenumbermatcher
from presidio_analyzer import EntityRecognizer, Pattern
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, EmailRecognizer, PhoneRecognizer

from forge_data.pii.rules import RuleRecognizer, rule

# --- street addresses -------------------------------------------------------------------------

_WORD = r"(?:\p{Lu}[\p{L}'’.-]*|\d{1,3}(?:st|nd|rd|th))"
_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter"
    r"|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl|Close|Crescent|Cres|Gardens|Row|Mews|Walk"
    r"|Hill|Alley|Plaza|Loop|Pike|Path)\b\.?"
)
_STATE = (
    r"(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|T[NX]|UT"
    r"|V[AT]|W[AIVY])"
)
_CITY = r"\p{Lu}[\p{Ll}'’.-][\p{L}'’.-]*(?:[ \t]+\p{Lu}[\p{Ll}'’.-][\p{L}'’.-]*){0,3}"
_ZIP = r"\d{5}(?:-\d{4})?"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2}"
STREET_ADDRESS = (
    r"\b\d{1,6}[A-Za-z]?[ \t]+"
    r"(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?[ \t]+)?"
    rf"{_WORD}(?:[ \t]+{_WORD}){{0,4}}[ \t]+{_SUFFIX}"
    r"(?:[ \t]+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?"
    r"(?:,?[ \t]*(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|Room|Rm|\#)\.?[ \t]*\#?[A-Za-z0-9-]{1,6})?"
    rf"(?:,[ \t]*{_CITY}(?:(?:,[ \t]*|[ \t]+){_STATE}(?:[ \t]+{_ZIP})?|[ \t]+{_UK_POSTCODE}|,?[ \t]+{_ZIP})?)?"
)

# Passwords are often written with an unencoded '#' or '@'; the last '@' before the host ends them.
URL_CREDENTIALS = (
    r"\b[A-Za-z][A-Za-z0-9+.-]{1,30}://(?P<v>[^\s/?#@:\"'<>`]*:[^\s/?\"'<>`]+)@[A-Za-z0-9.\[\]-]+"
)

SSN_AFTER_LABEL = (
    r"(?i:\b(?:ssn|social[ \t]+security(?:[ \t]+(?:number|no\.?|\#))?|ss\#)\b)[^\d\n]{0,12}?(?P<v>\d{9})\b"
)

# --- person names after cues -------------------------------------------------------------------

NAME_WORD = r"(?:[OD]['’])?\p{Lu}[\p{Ll}\p{M}]+(?:\p{Lu}[\p{Ll}\p{M}]+)?(?:[-'’]\p{Lu}?[\p{Ll}\p{M}]+)*"
_PARTICLE = r"(?:van|von|der|den|de|da|di|del|della|la|le|bin|ibn|al|el|dos|du|ter|ten)"
NAME = rf"{NAME_WORD}(?:(?:[ \t]+{_PARTICLE})*[ \t]+{NAME_WORD}){{0,2}}"
_GREETING = (
    r"hi|hey|hello|hiya|howdy|thanks|thank[ \t]+you|thx|ty|cheers|dear|morning|good[ \t]+morning|evening"
    r"|congrats|congratulations|welcome|bye|sorry|okay|ok|yo|kudos|shout-?out[ \t]+to"
)
_ACTION = (
    r"ask|asked|ask[ \t]+for|ping|pinged|tell|told|thank|email|emailed|call|called|message|messaged|dm|dmed"
    r"|page|paged|escalate[ \t]+to|loop[ \t]+in|looped[ \t]+in|talk[ \t]+to|talked[ \t]+to|spoke[ \t]+(?:to|with)"
    r"|check[ \t]+with|sync[ \t]+with|reach|reach[ \t]+out[ \t]+to|pair[ \t]+with|pairing[ \t]+with|cc|meet|met"
    r"|invite|invited|remind|reassign[ \t]+to|assign(?:ed)?[ \t]+to|hand[ \t]+off[ \t]+to|forward(?:ed)?[ \t]+to"
    r"|said|says|wrote|writes|\w+ed[ \t]+by"
)
_ROLE = (
    r"authors?|maintainers?|owner|contact|reviewers?|assignee|reporter|attendees|backup|on-?call|lead|manager"
    r"|approver|requester|signed-off-by|co-authored-by|reviewed-by|acked-by|tested-by|reported-by|from|to|b?cc"
)
_TITLE = r"Mr|Mrs|Ms|Mx|Dr|Prof|Sir|Madam|Mme|Mlle|Herr|Frau"
NAME_CUE = (
    rf"(?:(?i:\b(?:{_GREETING}|{_ACTION})\b)[ \t]*,?[ \t]+(?:@)?"
    rf"|(?i:\b(?:{_ROLE})\b)[\"']?[ \t]*[:=][ \t]*[\"']?(?:@)?"
    r"|(?i:\b(?:author|maintainer|owner|contact)\b)[ \t]+"
    rf"|\b(?:{_TITLE})\.?[ \t]+"
    r"|\b(?:TODO|FIXME|XXX|HACK|NOTE)\("
    r"|(?<![\w.@])@)"
    rf"(?P<v>{NAME})"
)
# What only people do: speak, be addressed, be out of office.
NAME_BEFORE_HUMAN_VERB = (
    rf"(?P<v>{NAME})(?:['’]s)?[ \t]+(?:said|says|wrote|writes|asked|asks|mentioned|suggested|thinks|agreed|meant"
    r"|replied|is[ \t]+(?:out|off|away|sick|back|covering|on[ \t]+(?:leave|vacation|holiday|call)))\b"
)
NAME_VOCATIVE = (
    rf"(?P<v>{NAME})(?:,?[ \t]+(?:can|could|would|will)[ \t]+you|,[ \t]+(?:did|do|does|have|are)[ \t]+(?:you|we|they)"
    r"|,[ \t]+please)\b"
)
# Lists after a label: "Attendees: A B, C D and E F" (split into names afterwards).
NAME_LIST = (
    r"(?i:\b(?:attendees|participants|present|invitees|reviewers|owners|contacts|team|cc)\b)[ \t]*:[ \t]*"
    rf"(?P<v>{NAME}(?:[ \t]*(?:,|;|\band\b|&)[ \t]*(?:and[ \t]+)?{NAME})+)"
)
NAME_BEFORE_MAIL = rf"(?P<v>{NAME})[ \t]+(?:<[^<>\s@]+@[^<>\s]+>|\([^()\s@]+@[^()\s]+\))"
CHAT_SPEAKER = (
    rf"(?m)^[ \t]*(?:\[[^\]\n]{{1,24}}\][ \t]*)?(?P<v>{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,2}})[ \t]*:"
)

# Capitalised words that follow a cue but name nobody.
NOT_NAMES = frozenset(
    "All Everyone Everybody Team Folks Guys Gang There Again Both Anyone Someone Nobody You Me Us Them Him Her God "
    "Goodness Heavens Lord Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "June July August September October November December Today Tomorrow Tonight Yesterday Morning Evening "
    "Afternoon Night Week Weekend Sir Madam The This That These Those For In To On At Of And Or But So If It Its "
    "Please Sure Yes No Not Great Good Nice Cool Thanks Thank Hi Hey Hello Update Note Todo Fixme Also Again "
    "Congrats Congratulations Welcome Dear Cheers Kudos Sorry Okay Ok Bye Morning Ping Ask Tell Call Email Message "
    "Page Remind Invite Thank Cc Fyi FYI Per Via With From By".split()
)


def _name_score(m: regex.Match) -> float | None:
    first = m.group("v").split()[0]
    return None if first in NOT_NAMES else 0.7


def _speaker_score(m: regex.Match) -> float | None:
    """A two-word speaker is a name; a one-word one ("Note:") only in a transcript, where most
    lines open with a speaker."""
    if _name_score(m) is None:
        return None
    if " " in m.group("v").strip():
        return 0.7
    lines = [line for line in m.string.splitlines() if line.strip()]
    speakers = sum(1 for line in lines if _SPEAKER_LINE.match(line))
    return 0.7 if speakers >= 2 and speakers * 2 >= len(lines) else None


def personal_rules_recognizer(language: str = "en") -> RuleRecognizer:
    return RuleRecognizer(
        "forge_personal",
        [
            rule("street_address", "STREET_ADDRESS", STREET_ADDRESS, 0.75),
            rule("url_credentials", "URL_CREDENTIALS", URL_CREDENTIALS, 0.9, group="v"),
            rule("ssn_after_label", "US_SSN", SSN_AFTER_LABEL, 0.85, group="v"),
            rule("name_after_cue", "PERSON", NAME_CUE, 0.7, group="v", validate=_name_score, overlapped=True),
            rule("name_before_mail", "PERSON", NAME_BEFORE_MAIL, 0.75, group="v", validate=_name_score),
            rule("name_before_verb", "PERSON", NAME_BEFORE_HUMAN_VERB, 0.7, group="v", validate=_name_score),
            rule("name_vocative", "PERSON", NAME_VOCATIVE, 0.7, group="v", validate=_name_score),
            rule("name_list", "PERSON", NAME_LIST, 0.7, group="v", validate=_name_score),
        ],
        language=language,
    )


_SPEAKER_LINE = regex.compile(CHAT_SPEAKER.removeprefix("(?m)"))


def chat_rules_recognizer(language: str = "en") -> RuleRecognizer:
    """Rules that hold only in chat transcripts ("Priya Raman: ..." opens a message)."""
    return RuleRecognizer(
        "forge_chat",
        [rule("chat_speaker", "PERSON", CHAT_SPEAKER, 0.7, group="v", validate=_speaker_score)],
        language=language,
    )


# --- subclasses of Presidio's recognizers ------------------------------------------------------


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, validating domains against tldextract's bundled suffix list.

    The stock one calls ``tldextract.extract``, whose module-level extractor fetches the
    public suffix list over the network on first use. This one never does: no URLs, no cache.
    The company's internal domains count as suffixes, so mail to them is still recognised.
    """

    def __init__(self, internal_domains: list[str] | None = None, **kwargs):
        super().__init__(**kwargs)
        self._extract = tldextract.TLDExtract(
            cache_dir=None,
            suffix_list_urls=(),
            fallback_to_snapshot=True,
            # acme.internal must be a domain under a suffix, so "internal" is the suffix.
            extra_suffixes=tuple({d.split(".", 1)[-1] for d in internal_domains or ()}),
        )

    def validate_result(self, pattern_text: str) -> bool:
        if self._extract(pattern_text).fqdn:
            return True
        # Mail inside a company often lives under names no public suffix list holds
        # (corp.local, mail.internal, a test domain): those addresses are just as personal.
        return pattern_text.rsplit(".", 1)[-1].lower() in PRIVATE_SUFFIXES

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        # "scheme://user:password@host" holds no e-mail address; URL_CREDENTIALS covers it.
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results if not _URL_USERINFO_BEFORE.search(text, max(0, r.start - 200), r.start)]


# Special-use names (RFC 2606, 6761, 6762) and the private suffixes intranets commonly use.
PRIVATE_SUFFIXES = frozenset(
    {
        "local",
        "internal",
        "intranet",
        "corp",
        "lan",
        "home",
        "private",
        "localdomain",
        "example",
        "test",
        "invalid",
    }
)
_URL_USERINFO_BEFORE = regex.compile(r"://[^\s/?#@]*$")
_PHONE_CANDIDATE = phonenumbermatcher._PATTERN  # libphonenumber's own candidate pattern
_SSN_SHAPE = regex.compile(r"^\d{3}[- ]\d{2}[- ]\d{4}$")
_PHONE_FORMATTED = regex.compile(r"^\+|[\s().-]")


class FormattedPhoneRecognizer(PhoneRecognizer):
    """Presidio's phone recognizer, scored by formatting and run only where a number can be.

    Presidio gives every phone match 0.4 and relies on a context word ("call", "phone") to
    pass a 0.5 threshold, which misses "reach Priya at (415) 867-5309". Numbers written the
    way people write them (+, spaces, dashes, brackets) score 0.6 here; a bare digit run
    could be an id or a timestamp, so it keeps 0.4 and still needs context.

    The stock recognizer runs libphonenumber's matcher over the whole text once per region,
    parsing every date, version and id on the way. This one finds libphonenumber's own
    candidates first and runs the matcher only on a small window around those with enough
    digits to be a phone number at all, and for a number written with its country code
    (+44 ...) in one region only, so the result is the same at a fraction of the cost.
    """

    FORMATTED_SCORE = 0.6
    MIN_DIGITS = 6  # shorter digit groups are no valid number in any region

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for start, end in self._windows(text):
            window = text[start:end]
            # A number written with its country code reads the same from every region.
            regions = (
                self.supported_regions[:1] if window.lstrip(" ([").startswith("+") else self.supported_regions
            )
            for region in regions:
                for match in phonenumbers.PhoneNumberMatcher(window, region, leniency=self.leniency):
                    r = self._get_recognizer_result(match, window, region, nlp_artifacts)
                    r.start += start
                    r.end += start
                    results.append(r)
        # ddd-dd-dddd is how SSNs are written, not phone numbers.
        results = [r for r in results if not _SSN_SHAPE.match(text[r.start : r.end])]
        return EntityRecognizer.remove_duplicates(results)

    def _windows(self, text: str) -> list[tuple[int, int]]:
        windows: list[tuple[int, int]] = []
        for m in _PHONE_CANDIDATE.finditer(text):
            if sum(c.isdigit() for c in m.group(0)) < self.MIN_DIGITS:
                continue
            start, end = max(0, m.start() - 3), min(len(text), m.end() + 3)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
        return windows

    def _get_recognizer_result(self, match, text, region, nlp_artifacts):
        result = super()._get_recognizer_result(match, text, region, nlp_artifacts)
        if _PHONE_FORMATTED.search(text[match.start : match.end]):
            result.score = self.FORMATTED_SCORE
        return result


class CardRecognizer(CreditCardRecognizer):
    """Presidio's card recognizer (regex + Luhn) plus Mastercard's 2221-2720 range."""

    PATTERNS = [
        *CreditCardRecognizer.PATTERNS,
        Pattern(
            "Mastercard 2-series (weak)",
            r"\b2(?:2[2-9]\d|[3-6]\d{2}|7[01]\d|720)[- ]?\d{4}[- ]?\d{4}[- ]?\d{4}\b",
            0.3,
        ),
    ]
