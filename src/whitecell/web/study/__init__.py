"""The study screens of the web app (docs/web.md, "Study: review and flashcards"): the study home,
the review session, the flashcards browser; each a router of pages calling the study domain's own
functions (study/queries.py, study/decks.py), never the API over HTTP."""
