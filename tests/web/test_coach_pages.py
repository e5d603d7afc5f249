"""The coach's pages over HTTP (web/coach.py): my conversations and nobody else's, a new one
(discipline as `general` with the module in its context), a message answered by the offline
coach with its sources linked, streamed to the page's script with the rendered messages, a bad
message refused beside its field, the recovery switch, and no page of it kept by the browser."""

from __future__ import annotations

import orjson

from tests.ai.openai_server import OpenAIServer, Script
from tests.support import Api, Browser, ClientFactory, api_with

KREBS = (
    "The Krebs cycle turns acetyl-CoA into carbon dioxide in the mitochondria, making NADH and "
    "FADH2 for the electron transport chain."
)


async def _start(browser: Browser, **fields: str) -> str:
    made = await browser.post("/coach", {"topic": "Biology", "subject": "study", **fields})
    assert made.status_code == 303, made.text
    location = made.headers["location"]
    assert location.startswith("/coach/")
    return location.removeprefix("/coach/")


async def test_a_conversation_answered_on_its_page_with_my_sources(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    note = await api.create(api.a, "notes", {"title": "Krebs cycle", "content": KREBS,
                                             "subject": "Biology"})  # fmt: skip
    chat = await _start(browser_a, mode="research")
    page = await browser_a.get(f"/coach/{chat}")
    assert page.status_code == 200 and "No messages yet" in page.text
    assert page.headers["cache-control"] == "no-store"
    sent = await browser_a.post(
        f"/coach/{chat}/messages", {"content": "What does the Krebs cycle make?"}
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/coach/{chat}#latest"
    page = await browser_a.get(f"/coach/{chat}")
    assert "What does the Krebs cycle make?" in page.text
    assert "offline coach" in page.text and f'href="/study/notes/{note["_id"]}"' in page.text
    listing = await browser_a.get("/coach")
    assert "Biology" in listing.text and "2 messages" in listing.text
    assert "no daily limit" in listing.text and "Today:" not in listing.text  # offline: free
    # Another person sees neither the conversation nor its page.
    assert "Biology" not in (await browser_b.get("/coach")).text
    assert (await browser_b.get(f"/coach/{chat}")).status_code == 404
    stolen = await browser_b.post(f"/coach/{chat}/messages", {"content": "hello"})
    assert stolen.status_code == 404
    stored = (await api.get(api.a, f"ai_conversations/{chat}")).json()
    assert stored["messageCount"] == 2


async def test_the_page_s_script_gets_the_reply_as_events_then_the_rendered_messages(
    api: Api, browser_a: Browser
) -> None:
    await api.create(api.a, "notes", {"title": "Krebs cycle", "content": KREBS,
                                      "subject": "Biology"})  # fmt: skip
    chat = await _start(browser_a)
    streamed = await browser_a.post(
        f"/coach/{chat}/messages",
        {"content": "Tell me about the <b>Krebs</b> cycle"},
        headers={"Accept": "text/event-stream"},
    )
    assert streamed.status_code == 200
    assert streamed.headers["content-type"].startswith("text/event-stream")
    events = []
    for block in streamed.text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], orjson.loads(fields["data"])))
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and "delta" in kinds
    text = "".join(data["text"] for kind, data in events if kind == "delta")
    done = events[-1][1]
    assert done["reply"]["content"] == text
    html = done["html"]
    assert html.count('<article class="message') == 2
    assert "&lt;b&gt;Krebs&lt;/b&gt;" in html and "<b>Krebs</b>" not in html  # escaped


async def test_bad_messages_and_conversations_are_refused_beside_their_field(
    api: Api, browser_a: Browser
) -> None:
    refused = await browser_a.post("/coach", {"topic": "", "subject": "study"})
    assert refused.status_code == 422 and 'id="e-topic"' in refused.text
    odd = await browser_a.post("/coach", {"topic": "x", "subject": "astrology"})
    assert odd.status_code == 422 and 'id="e-subject"' in odd.text
    chat = await _start(browser_a, subject="discipline")
    stored = (await api.get(api.a, f"ai_conversations/{chat}")).json()
    assert stored["module"] == "general" and stored["context"] == {"module": "discipline"}
    empty = await browser_a.post(f"/coach/{chat}/messages", {"content": "   "})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text
    nul = await browser_a.post(f"/coach/{chat}/messages", {"content": "a\x00b"})
    assert nul.status_code == 422
    assert (await api.get(api.a, f"ai_conversations/{chat}")).json()["messageCount"] == 0


async def test_the_recovery_switch_is_mine_to_turn_on_and_off(api: Api, browser_a: Browser) -> None:
    turned_on = await browser_a.post("/coach/sharing", {"share": "on"})
    assert turned_on.status_code == 303
    assert (await api.get(api.a, "users/me")).json()["aiShareRecovery"] is True
    assert 'name="share" checked' in (await browser_a.get("/coach")).text
    await browser_a.post("/coach/sharing", {})
    assert (await api.get(api.a, "users/me")).json()["aiShareRecovery"] is False
    assert (await api.get(api.b, "users/me")).json()["aiShareRecovery"] is False


async def test_a_model_s_reply_lists_its_sources_under_it(
    make_client: ClientFactory, openai_server: OpenAIServer
) -> None:
    api = await api_with(make_client, gamification_enabled=False, **openai_server.settings())
    browser = Browser(api.client, api.context, api.a)
    note = await api.create(api.a, "notes", {"title": "Krebs cycle", "content": KREBS,
                                             "subject": "Biology"})  # fmt: skip
    chat = await _start(browser, mode="research")
    openai_server.script = Script(reply="It makes **NADH** [1].")
    await browser.post(f"/coach/{chat}/messages", {"content": "What does the Krebs cycle make?"})
    page = (await browser.get(f"/coach/{chat}")).text
    assert "<strong>NADH</strong>" in page and "whitecell-test-model" in page
    sources = page.split('class="sources"')[1].split("</ol>")[0]
    assert f'<a href="/study/notes/{note["_id"]}">Krebs cycle</a>' in sources
    usage = (await browser.get("/coach")).text.split("Today:")[1]
    assert usage.startswith(" 1 of ")
