"""The home screen: one request (`GET /api/v1/dashboard`) to which every module contributes
its summary of the day (`<module>/today.py`). A top-floor module, like app.py: it may import
the domains and gamification, and nothing imports it but app.py."""
