"""Cubing: WCA statistics, random-state scrambles served and checked, csTimer imports
(docs/mind.md, "Cubing")."""
