#!/usr/bin/env bash
# A study session against a running server (`make run`) with the demo account (`whitecell demo`):
# review today's due cards, make cards from a note, take a generated quiz, import an Anki deck,
# export the cards back to Anki, look at the figures and the XP it all earned.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8000}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }

TOKEN=$(curl -sf -X POST "$BASE/api/v1/auth/password" -H 'Content-Type: application/json' \
  -d '{"email": "demo@example.com", "password": "whitecell-demo"}' | json 'd["token"]')
AUTH=(-H "Authorization: Bearer $TOKEN")
JSON=(-H 'Content-Type: application/json')

echo "== today's queue"
curl -sf "$BASE/api/v1/flashcards/due?limit=3" "${AUTH[@]}" | json 'd["counts"]'
for card in $(curl -sf "$BASE/api/v1/flashcards/due?limit=3" "${AUTH[@]}" | json '" ".join(c["_id"] for c in d["items"])'); do
  curl -sf -X POST "$BASE/api/v1/flashcards/$card/review" "${AUTH[@]}" "${JSON[@]}" \
    -d '{"quality": 4, "timeSpent": 6}' \
    | json '"reviewed %r: next %s, %s" % (d["question"][:40], d["nextReviewDate"], d["status"])'
done

echo "== cards from a new note"
NOTE=$(curl -sf -X POST "$BASE/api/v1/notes" "${AUTH[@]}" "${JSON[@]}" -d '{
  "title": "Cell respiration", "subject": "Biology",
  "content": "Mitochondria: the organelle that makes most ATP\nQ: Where does glycolysis happen?\nA: In the cytoplasm.\n\nOxygen is the **final electron acceptor**."}' | json 'd["_id"]')
curl -sf -X POST "$BASE/api/v1/notes/$NOTE/flashcards" "${AUTH[@]}" \
  | json '[c["question"] for c in d["items"]]'

echo "== a quiz"
DRAFT=$(curl -sf -X POST "$BASE/api/v1/quizzes/generate" "${AUTH[@]}" "${JSON[@]}" \
  -d '{"subject": "Biology", "count": 3, "types": ["short_answer"]}')
echo "$DRAFT" | json '[q["text"] for q in d["questions"]]'
ID=$(echo "$DRAFT" | json 'd["_id"]')
# Answer from my own cards, as someone who studied would: the first one with a typo (graded
# tolerantly), the last one wrong on purpose.
KEY=$(curl -sf "$BASE/api/v1/flashcards?subject=Biology&limit=100" "${AUTH[@]}" \
  | json '__import__("json").dumps({c["question"]: c["answer"] for c in d["items"]})')
ANSWERS=$(python3 -c 'import json,sys
key, draft = json.loads(sys.argv[1]), json.loads(sys.argv[2])
answers = [key.get(q["text"], "") for q in draft["questions"]]
answers[0] = answers[0][:-2] + answers[0][-1:] if len(answers[0]) > 8 else answers[0]
answers[-1] = "no idea"
print(json.dumps({"answers": answers}))' "$KEY" "$DRAFT")
curl -sf -X POST "$BASE/api/v1/quizzes/$ID/submit" "${AUTH[@]}" "${JSON[@]}" -d "$ANSWERS" \
  | json '"score %s%%: %s" % (d["score"], d["feedback"])'

echo "== an Anki deck in (docs/examples/stoic_terms.apkg, written by genanki), and out again"
HERE=$(cd "$(dirname "$0")" && pwd)
curl -sf -X POST "$BASE/api/v1/flashcards/import/anki" "${AUTH[@]}" -F "file=@$HERE/stoic_terms.apkg" \
  | json 'd'
curl -sf "$BASE/api/v1/flashcards?subject=Philosophy::Stoic%20terms&limit=2" "${AUTH[@]}" \
  | json '[(c["question"], c["answer"]) for c in d["items"]]'
curl -sf "$BASE/api/v1/flashcards/export/anki" "${AUTH[@]}" -o /tmp/whitecell-export.apkg
echo "exported $(stat -c %s /tmp/whitecell-export.apkg) bytes to /tmp/whitecell-export.apkg (File > Import in Anki)"

echo "== figures"
curl -sf "$BASE/api/v1/quizzes/stats" "${AUTH[@]}" | json 'd["subjects"]'
curl -sf "$BASE/api/v1/study_sessions/stats?days=7" "${AUTH[@]}" | json 'd["subjects"]'
curl -sf "$BASE/api/v1/notes/search?q=mitochondria" "${AUTH[@]}" | json '[i["snippet"] for i in d["items"]][:2]'

echo "== progress (the gamification engine scored all of the above)"
sleep 1
curl -sf "$BASE/api/v1/dashboard" "${AUTH[@]}" \
  | json '"level %s (%s%% to the next), XP today %s, streak %s days x%s" % (d["level"]["level"], d["level"]["percent"], d["xp"]["today"], d["streak"]["current"], d["streak"]["multiplier"])'
curl -sf "$BASE/api/v1/xp_logs?limit=5" "${AUTH[@]}" \
  | json '["%+d %s (x%s)" % (x["xpAmount"], x["description"], x["multiplier"]) for x in d["items"]]'
