"""The study screens (issue 15): review, flashcards, notes, quizzes, textbooks, sessions."""
