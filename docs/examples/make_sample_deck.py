"""Writes docs/examples/stoic_terms.apkg, the deck the example session imports, with genanki
(an independent Anki deck writer: `pip install genanki`)."""

from pathlib import Path

import genanki

TERMS = [
    ("Apatheia", "Freedom from destructive passions, not absence of feeling"),
    ("Ataraxia", "Tranquillity of mind"),
    ("Eudaimonia", "Flourishing: a life lived according to virtue"),
    ("Logos", "The rational order of the universe"),
    ("Prohairesis", "The faculty of choice, the one thing truly ours"),
    ("Premeditatio malorum", "Rehearsing misfortunes in advance so they lose their force"),
    ("Amor fati", "Loving one's fate, whatever it brings"),
    ("Oikeiosis", "Appropriation: extending care from oneself to all humanity"),
]

deck = genanki.Deck(1_740_000_001, "Philosophy::Stoic terms")
for term, meaning in TERMS:
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[f"<b>{term}</b>", meaning]))
deck.add_note(
    genanki.Note(
        model=genanki.CLOZE_MODEL,
        fields=["The dichotomy of control comes from {{c1::Epictetus}}'s {{c2::Enchiridion}}.", ""],
    )
)
target = Path(__file__).with_name("stoic_terms.apkg")
genanki.Package(deck).write_to_file(str(target), timestamp=1_740_000_000)
print(f"wrote {target}")
