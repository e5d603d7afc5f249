"""Build the shipped Stoic corpus (src/whitecell/mind/data/stoic_quotes.json) from the three
public-domain translations in ../shared/data/stoic/ (its README names them). Not run by the server.

    python scripts/stoic_corpus.py candidates [--out build/stoic_candidates.tsv]
        cuts every passage into windows of one to three sentences and keeps those that can stand
        alone (length, no opening connective or pronoun pointing back, no "as I said", balanced
        quotation marks), one per line: id, source, suggested theme, text.
    python scripts/stoic_corpus.py build
        reads the curated picks (scripts/stoic_picks.tsv: candidate id, theme) and writes the
        package data, keeping the key of every quote already shipped (a key never changes, so a
        re-load on an install adds only the new quotes: docs/mind.md, "Stoic wisdom").

The cut is deterministic: the same sources give the same candidate ids, so the picks reproduce.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from whitecell.mind.stoic import THEMES  # the build refuses any other theme

ROOT = Path(__file__).resolve().parent.parent
# The translations (../shared/data/stoic/ beside the checkout, or WHITECELL_STOIC_DATA).
DATA = Path(os.environ.get("WHITECELL_STOIC_DATA") or ROOT.parent / "shared" / "data" / "stoic")
PICKS = ROOT / "scripts" / "stoic_picks.tsv"
OUTPUT = ROOT / "src" / "whitecell" / "mind" / "data" / "stoic_quotes.json"


# A first word that leans on what came before: the window is not a complete thought.
LEANING = {
    "and", "but", "for", "so", "therefore", "this", "these", "that", "those", "such", "he",
    "she", "they", "them", "his", "her", "their", "it", "its", "hence", "thus", "then", "yet",
    "again", "also", "nor", "or", "now", "besides", "moreover", "furthermore", "accordingly",
    "wherefore", "here", "there", "yes", "no", "well", "why", "what", "which", "who", "whom",
    "consequently", "still", "otherwise", "indeed", "similarly", "likewise", "because", "as",
    "thereupon", "meanwhile", "lastly", "finally", "secondly", "thirdly", "first", "next",
    "however", "nay", "aye", "oh", "o", "you", "lucilius", "him", "whereas", "both", "each",
}  # fmt: skip
# Words that point at another passage, a person of the letter or the dialogue around it.
POINTING = re.compile(
    r"\b(above|aforesaid|as I (?:have )?(?:said|remarked|mentioned|told)|said before|"
    r"the former|the latter|last letter|your letter|my letter|you write|you wrote|"
    r"you ask|you say|I said|just now|mentioned|following|below|as follows|"
    r"this letter|in this book|Lucilius|Maximus|Severus|Rusticus|Verus|Fronto|Antoninus|"
    r"Sextus|Apollonius|Alexander the|Chrysippus|Epicurus says|says he|said he|he says|"
    r"quoth|Vergil|Virgil|Ovid|Homer|the poet|our poet|the verse|these words|that saying|"
    r"this saying|the saying|his words|he said|I replied|he replied|answered)\b",
    re.IGNORECASE,
)
ABBREVIATIONS = ("i.e.", "e.g.", "cf.", "viz.", "Mr.", "St.", "etc.", "vol.", "ch.")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z])")
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True)
class Passage:
    work: str  # the id prefix: med, let, dis, enc, fra
    author: str
    source: str  # "Meditations 4.3"
    text: str


@dataclass(frozen=True)
class Candidate:
    id: str
    author: str
    source: str
    text: str
    theme: str


# Misprints of the editions, mended before anything is cut (the only changes to their words).
MISPRINTS = {"In he morning": "In the morning", "rinse you mouth": "rinse your mouth"}


def typography(text: str) -> str:
    """Straight quotes and apostrophes, one space, paragraphs joined where the edition's line
    breaks fell inside a sentence."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u202f", " ")
    text = re.sub(r"\n\n(?=[a-z])", " ", text)
    text = re.sub(r"(?<=[a-z,;])\n\n", " ", text)
    for wrong, right in MISPRINTS.items():
        text = text.replace(wrong, right)
    return text


def sentence_case(text: str) -> str:
    """The editions print a chapter's first word(s) in capitals ("IF A man"): sentence case."""
    match = re.match(r"^((?:[A-Z]{2,}|A|I)(?:\s+[A-Z]{1,})*)\b(?=\s+[a-z])", text)
    if not match or len(match.group(1)) < 2:
        return text
    words = match.group(1).split()
    fixed = [words[0].capitalize()] + [w if w == "I" else w.lower() for w in words[1:]]
    return " ".join(fixed) + text[match.end() :]


def paragraphs(text: str) -> list[str]:
    return [
        " ".join(p.split()) for p in re.split(r"\n\s*\n", typography(text)) if p.strip()
    ]  # fmt: skip


def sentences(paragraph: str) -> list[str]:
    protected = paragraph
    for n, abbreviation in enumerate(ABBREVIATIONS):
        protected = protected.replace(abbreviation, f"\x00{n}\x00")
    parts = SENTENCE_END.split(protected)
    out = []
    for part in parts:
        for n, abbreviation in enumerate(ABBREVIATIONS):
            part = part.replace(f"\x00{n}\x00", abbreviation)
        out.append(part.strip())
    return [p for p in out if p]


def load(name: str) -> list[dict[str, object]]:
    document = json.loads((DATA / name).read_text(encoding="utf-8"))
    sections: list[dict[str, object]] = document["sections"]
    return sections


def meditations() -> Iterator[Passage]:
    for section in load("meditations_long.json"):
        source = f"Meditations {section['book']}.{section['section']}"
        # Long writes a dash as a hyphen and a space or a line break ("present- I am rising").
        text = re.sub(r"(?<=[a-z])-[ \n](?=[A-Za-z])", "\u2014", str(section["text"]))
        text = sentence_case(text)
        for paragraph in paragraphs(text):
            yield Passage("med", "Marcus Aurelius", source, paragraph)


def epictetus() -> Iterator[Passage]:
    for section in load("discourses_long.json"):
        title = str(section["book_title"])
        reference = str(section["source_reference"])
        if title.startswith("Book "):
            book = ROMAN[title.split()[1]]
            source, work = f"Discourses {book}.{section['chapter']}", "dis"
        elif title.startswith("The Manual"):
            source, work = f"Enchiridion {section['chapter']}", "enc"
        elif title == "Fragments":
            source, work = f"Fragments {reference.split()[-1]}", "fra"
        else:
            continue  # Arrian's preface is not Epictetus
        text = sentence_case(str(section["text"]))
        for paragraph in paragraphs(text):
            yield Passage(work, "Epictetus", source, paragraph)


def letters() -> Iterator[Passage]:
    """Seneca's letters carry the edition's paragraph numbers inline ("2. What man..."): each
    numbered paragraph is one citable section, "Moral Letters 1.2"."""
    for section in load("moral_letters_long.json"):
        letter = section["letter_number"]
        text = typography(str(section["text"]))
        number = 0
        for chunk in re.split(r"(?:(?<=\s)|^)(\d{1,3})\.\s+(?=[\"'A-Z])", text):
            if chunk.isdigit():
                number = int(chunk)
                continue
            if number == 0:
                continue  # the greeting before paragraph 1
            for paragraph in paragraphs(chunk):
                yield Passage("let", "Seneca", f"Moral Letters {letter}.{number}", paragraph)


def stands_alone(text: str) -> bool:
    words = re.findall(r"[A-Za-z']+", text)
    if not words or not 6 <= len(words) <= 60 or not 40 <= len(text) <= 320:
        return False
    first = words[0].lower()
    if first in LEANING or text[0] in "([-,;:" or not (text[0].isupper() or text[0] in "\"'"):
        return False
    if POINTING.search(text) or text.count('"') % 2 or re.search(r"\[\d|\d\]|\bp\.\s*\d", text):
        return False
    quote_marks = text.count("'") - len(re.findall(r"\w'\w", text))  # apostrophes aside
    if re.search(r"(^|\s)'(?![a-z])", text) and quote_marks > 1:
        return False  # a dialogue in single quotes
    return text.rstrip()[-1] in ".!?"


KEYWORDS = {
    "death": ("death", "die", "dying", "mortal", "dead"),
    "time": ("time", "hour", "day", "years", "life is short", "to-morrow", "delay"),
    "anger": ("anger", "angry", "wrath", "rage", "offend"),
    "fear": ("fear", "afraid", "dread", "terror", "anxiety"),
    "wealth": ("wealth", "rich", "poor", "poverty", "money", "possess"),
    "friendship": ("friend",),
    "control": ("in our power", "not in our power", "under our control", "will"),
    "perception": ("opinion", "judgement", "judgment", "impression", "think"),
    "nature": ("nature", "universe", "whole"),
    "virtue": ("virtue", "good man", "just", "justice"),
    "learning": ("learn", "philosophy", "study", "read", "teach"),
    "desire": ("desire", "pleasure", "crave", "appetite"),
    "adversity": ("misfortune", "hardship", "suffer", "pain", "trouble"),
    "community": ("men", "others", "society", "neighbour", "fellow"),
    "habits": ("habit", "practice", "train", "exercise"),
    "present moment": ("present", "now"),
    "self-knowledge": ("thyself", "yourself", "within"),
}


def suggested_theme(text: str) -> str:
    lowered = text.lower()
    for theme, words in KEYWORDS.items():
        if any(re.search(rf"\b{re.escape(w)}", lowered) for w in words):
            return theme
    return "virtue"


# Openings of a saying that speaks to anyone: an imperative, or a general subject.
GENERAL = re.compile(
    r"^[\"']?(Remember|Consider|Do not|Don't|Never|Let|Be|Look|Think|Reflect|Begin|Accustom|"
    r"Take|Keep|Live|Observe|Cease|Seek|Ask|Choose|Hold|Waste|Cast|Confine|Get|Give|Make|"
    r"Try|Know|Study|Learn|Practise|Nothing|No one|No man|Nobody|Every|Everything|All|He who|"
    r"The man who|Whoever|Whatever|Wherever|Whenever|If you|If thou|If a man|If any|We|Our|"
    r"It is|There is|A man|Men|The|To|Death|Life|Time|Wealth|Poverty|Anger|Fear|Virtue|"
    r"Philosophy|Fortune|Nature|Pain|Pleasure|Only|How|Nowhere|Where|When|He is|Thou|You)\b"
)
NAMES_OK = {"God", "Gods", "Zeus", "Nature", "Fortune", "I", "Reason", "Providence"}


def aphoristic(text: str) -> int:
    """A rough score of how much a window reads like a saying: only orders the candidates list
    for a reader; the picks are chosen by reading."""
    score = 3 if GENERAL.match(text) else 0
    score += 1 if suggested_theme(text) != "virtue" else 0
    score -= 2 * text.count("?")
    names = re.findall(r"(?<=[a-z,;] )[A-Z][a-z]+", text)
    score -= 2 * len([n for n in names if n not in NAMES_OK])
    score -= 0 if 50 <= len(text) <= 220 else 1
    return score


def candidates() -> Iterator[Candidate]:
    seen: set[str] = set()
    counters: dict[str, int] = {}
    for passage in (*meditations(), *epictetus(), *letters()):
        base = f"{passage.work}-{passage.source.split()[-1]}"
        paragraph_no = counters.get(base, 0)
        counters[base] = paragraph_no + 1
        parts = sentences(passage.text)
        for start in range(len(parts)):
            for length in (1, 2, 3):
                window = parts[start : start + length]
                if len(window) < length:
                    break
                text = " ".join(window)
                if text in seen or not stands_alone(text):
                    continue
                seen.add(text)
                yield Candidate(
                    f"{base}-p{paragraph_no}-s{start}-n{length}",
                    passage.author,
                    passage.source,
                    text,
                    suggested_theme(text),
                )


def write_candidates(out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = [f"{c.id}\t{aphoristic(c.text)}\t{c.source}\t{c.theme}\t{c.text}" for c in candidates()]
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} candidates -> {out}")


def key_of(text: str) -> str:
    """A new quote's key: the first 16 hex digits of SHA-256 of its text as first shipped."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def passages_by_id() -> dict[str, list[Passage]]:
    """Every passage under its pick prefix ("med-4.3", "enc-5", "let-1.2")."""
    found: dict[str, list[Passage]] = {}
    for passage in (*meditations(), *epictetus(), *letters()):
        found.setdefault(f"{passage.work}-{passage.source.split()[-1]}", []).append(passage)
    return found


def cut(passages: list[Passage], text: str) -> str | None:
    """`text` if it stands verbatim in one of the passages (its first letter capitalised when it
    begins inside a sentence), ending with a full stop where the edition goes on with a colon, a
    semicolon or a comma; None otherwise."""
    for passage in passages:
        at = passage.text.find(text)
        if at < 0:  # a cut that begins inside a sentence: its first letter is capitalised
            at = passage.text.find(text[0].lower() + text[1:])
        if at < 0:
            continue
        following = passage.text[at + len(text) : at + len(text) + 1]
        if text[-1] in ".!?":
            return text
        if following in (":", ";", ",", "") or following.isspace():
            return text + "."
    return None


def build(output: Path = OUTPUT) -> None:
    by_id = {c.id: c for c in candidates()}
    passages = passages_by_id()
    shipped = json.loads(OUTPUT.read_text(encoding="utf-8")) if OUTPUT.exists() else {}
    keys = {q["pick"]: q["key"] for q in shipped.get("quotes", [])}
    quotes = []
    errors = []
    for line_no, line in enumerate(PICKS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        pick, theme, *verbatim = (part.strip() for part in line.split("\t"))
        if verbatim:
            found = passages.get(pick, [])
            text = cut(found, verbatim[0])
            author, source = (found[0].author, found[0].source) if found else ("", "")
            pick = f"{pick}:{key_of(verbatim[0])[:6]}"
        else:
            candidate = by_id.get(pick)
            text = candidate.text if candidate else None
            author, source = (candidate.author, candidate.source) if candidate else ("", "")
        if text is None or theme not in THEMES:
            errors.append(f"line {line_no}: {pick!r} {theme!r}")
            continue
        quotes.append(
            {
                "key": keys.get(pick) or key_of(text),
                "pick": pick,
                "quote": text,
                "author": author,
                "source": source,
                "theme": theme,
            }
        )
    if errors:
        sys.exit("unknown picks, texts or themes:\n" + "\n".join(errors))
    if len({q["key"] for q in quotes}) != len(quotes):
        sys.exit("two picks share a key (the same text picked twice)")
    output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "translations": {
            "Marcus Aurelius": "Meditations, tr. George Long (1862)",
            "Epictetus": "Discourses, Enchiridion and Fragments, tr. P. E. Matheson (1916)",
            "Seneca": "Moral Letters to Lucilius, tr. Richard M. Gummere (1917-1925)",
        },
        "quotes": quotes,
    }
    output.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(quotes)} quotes -> {output}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cut = sub.add_parser("candidates")
    cut.add_argument("--out", type=Path, default=ROOT / "build" / "stoic_candidates.tsv")
    sub.add_parser("build")
    args = parser.parse_args()
    if args.command == "candidates":
        write_candidates(args.out)
    else:
        build()


if __name__ == "__main__":
    main()
