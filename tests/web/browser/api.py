"""The live server's API as a second device of the same person: a bearer token from the API's
own sign-in, and the few writes the browser tests seed their screens with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from tests.web.browser.harness import LiveServer
from whitecell.core.clock import local_today


@dataclass
class ApiClient:
    http: httpx.Client
    token: str

    @classmethod
    @contextmanager
    def signed_in(cls, server: LiveServer, email: str) -> Iterator[ApiClient]:
        token = server.api_token(email)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"{server.base_url}/api/v1", headers=headers) as http:
            yield cls(http, token)

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(f"/{path}", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def create(self, table: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(f"/{table}", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.http.patch(f"/{path}", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def today(self) -> str:
        """Today in the person's own time zone (the dashboard's day)."""
        return local_today(self.get("users/me").get("timezone")).isoformat()

    def task(self, title: str, priority: int = 3, **fields: Any) -> dict[str, Any]:
        body = {"title": title, "priority": priority, "date": self.today(), "completed": False}
        return self.create("daily_tasks", {**body, **fields})
