#!/usr/bin/env bash
# The lifecycle of one objective over the HTTP API, from the organisation to the closed objective.
# Start the API first (npm install && npm start); this needs curl and jq.
set -euo pipefail
API=${API:-http://localhost:3000}
token() { npm run -s token -- --ente comune-demo "$@"; }
ADMIN=$(token --sub admin --name "Ufficio Personale" --roles admin)
SEG=$(token --sub seg --name "Maria Bianchi" --roles segretario)
DIR=$(token --sub rossi --name "Mario Rossi" --roles dirigente)
NDV=$(token --sub ndv --name "Nucleo di Valutazione" --roles nucleo)
post() { curl -sf -X POST "$API$2" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "${3:-{\}}"; }

# 1. The admin records the unit, its head and from when.
post "$ADMIN" /organisation/units '{"unitId":"welfare","name":"Settore Welfare","kind":"settore"}'
post "$ADMIN" /organisation/people '{"personId":"rossi","name":"Mario Rossi"}'
post "$ADMIN" /organisation/headships '{"unitId":"welfare","personId":"rossi","from":"01/01/2025"}'

# 2. The Segretario opens the plan; the dirigente drafts an objective (phase weights total 80: a warning, not an error).
PLAN=$(post "$SEG" /plans '{"kind":"PIAO","title":"PIAO 2025-2027","fromYear":2025,"toYear":2027}' | jq -r .planId)
OBJ=$(post "$DIR" "/plans/$PLAN/objectives" '{
  "code": "2025_S08_04",
  "definition": {
    "title": "Sviluppo di progetti a sostegno delle famiglie",
    "responsibleUnitId": "welfare",
    "horizon": {"fromYear": 2025, "toYear": 2025},
    "phases": [
      {"description": "Sportello legale per le famiglie", "plannedEnd": "31/12/2025", "weight": 40},
      {"description": "CB Family Point", "plannedEnd": "31/12/2025", "weight": 40}
    ],
    "indicators": [{"description": "Attività avviate", "target": {"text": "almeno n. 2"}}]
  }}' | jq -r .objectiveId)
curl -s "$API/objectives/$OBJ" -H "Authorization: Bearer $SEG" | jq '{status, warnings}'

# 3. Proposed, submitted with the plan, approved by the Giunta with one act.
post "$DIR" "/objectives/$OBJ/propose" > /dev/null
post "$SEG" "/plans/$PLAN/submit" > /dev/null
post "$SEG" "/plans/$PLAN/approve" '{"act":{"number":"31","date":"10/03/2025"}}' | jq '{status, approvalAct}'

# 4. Progress, the 31/07 monitoring, validated by the Segretario.
post "$DIR" "/objectives/$OBJ/phase-progress" '{"phaseId":"f1","progressPercent":50}' > /dev/null
post "$DIR" "/objectives/$OBJ/monitoring-reports" '{"asOf":"31/07/2025","phases":[{"phaseId":"f1","progressPercent":50}],"indicators":[{"indicatorId":"i1","value":"1"}]}' > /dev/null
post "$SEG" "/objectives/$OBJ/monitoring-reports/validate" '{"asOf":"31/07/2025"}' > /dev/null

# 5. Reprogramming: the target is lowered with a motivation; only the Giunta's act makes it effective.
DEF=$(curl -s "$API/objectives/$OBJ" -H "Authorization: Bearer $DIR" | jq '.definition | .indicators[0].target.text = "almeno n. 1"')
post "$DIR" "/objectives/$OBJ/reprogramming" "{\"definition\": $DEF, \"reason\": \"Il bando regionale è slittato\"}" > /dev/null
post "$SEG" "/objectives/$OBJ/reprogramming/approve" '{"act":{"number":"120","date":"15/09/2025"}}' | jq '.reprogrammings'

# 6. Year-end report, NdV evaluation, shared, closed.
post "$DIR" "/objectives/$OBJ/year-end-report" '{"phases":[{"phaseId":"f1","progressPercent":100}],"indicators":[{"indicatorId":"i1","value":"2"}]}' > /dev/null
post "$SEG" "/objectives/$OBJ/year-end-report/validate" > /dev/null
post "$NDV" "/objectives/$OBJ/evaluation" '{"achievementPercent":100,"reason":"Target raggiunto"}' > /dev/null
post "$NDV" "/objectives/$OBJ/evaluation/share" > /dev/null
CLOSED=$(post "$SEG" "/objectives/$OBJ/close")
echo "$CLOSED" | jq '{status, position}'
AT=$(echo "$CLOSED" | jq -r .position)

# 7. The audit trail: who, in which role, when (business and recorded), why, on which act.
curl -s "$API/objectives/$OBJ/history" -H "Authorization: Bearer $NDV" | jq -c '.events[] | {type, who: .actor.name, role: .actor.role, occurredAt, act, reason}'

# 8. The read side, kept up to date from the log; `after` waits until it includes the last command.
curl -s "$API/plans/$PLAN/dashboard?after=$AT" -H "Authorization: Bearer $SEG" | jq -c '{byStatus, units}'
curl -s "$API/objectives/$OBJ/versions?after=$AT" -H "Authorization: Bearer $NDV" | jq -c '{differences, changes: [.changes[] | {act, motivation}]}'
curl -s "$API/objectives/$OBJ/timeline?after=$AT" -H "Authorization: Bearer $NDV" | jq -c '.events[] | {type, who: .actor.name, changes}'
curl -s "$API/objectives/$OBJ/as-of?revision=2" -H "Authorization: Bearer $NDV" | jq -c '{status, target: .definition.indicators[0].target.text}'
curl -s "$API/people/me/deadlines?after=$AT" -H "Authorization: Bearer $DIR" | jq -c '{unitsHeaded, overdue, upcoming}'

# A broken rule is a 422 naming it:
curl -s -X POST "$API/objectives/$OBJ/propose" -H "Authorization: Bearer $DIR" -H 'Content-Type: application/json' -d '{}' | jq .
