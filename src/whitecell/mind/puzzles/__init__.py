"""Chess puzzles played move by move against the Lichess puzzle database (docs/mind.md, "Chess
puzzles"): `lichess.py` reads its CSV, `play.py` checks moves, `glicko.py` rates, `catalogue.py`
and `ratings.py` hold the queries, `attempts.py` the routes."""
