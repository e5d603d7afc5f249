"""The web app (docs/web.md): server-rendered pages over the same domain functions as the API,
signed in by cookie, every asset served from this package."""
