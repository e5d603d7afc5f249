"""The study screens of the web app (docs/web.md, "Study"): the study home, the review session,
the flashcards browser, notes, quizzes, textbooks and study sessions; each a router of pages
calling the study domain's own functions, never the API over HTTP."""
