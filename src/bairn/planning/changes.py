"""What changed between two versions of a Child's Plan, in words (practice-model.md:
"every review keeps the previous version and shows what changed")."""

from __future__ import annotations

from typing import Any

from bairn.planning.models import ActionStatus

FIELDS = {
    "reason_for_plan": "Reason for the plan",
    "child_views": "The child's views",
    "family_views": "The family's views",
    "review_date": "Review date",
    "contingency": "Contingency",
}


STATUS_WORDS = {str(status.value): str(status.label).lower() for status in ActionStatus}


def _status(code: str) -> str:
    return STATUS_WORDS.get(code, code)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if before is None:
        return ["Plan made."]
    changes: list[str] = []
    if before["lead_professional_id"] != after["lead_professional_id"]:
        changes.append(
            f"Lead Professional: {before['lead_professional']} → {after['lead_professional']}"
        )
    for key, label in FIELDS.items():
        if before.get(key) != after.get(key):
            if key == "review_date":
                changes.append(f"{label}: {before.get(key)} → {after.get(key)}")
            else:
                changes.append(f"{label} changed: “{_short(after.get(key) or '')}”")
    added = set(after["team_ids"]) - set(before["team_ids"])
    removed = set(before["team_ids"]) - set(after["team_ids"])
    if added:
        changes.append(f"Team: {len(added)} added")
    if removed:
        changes.append(f"Team: {len(removed)} removed")
    old_needs = {n["id"]: n for n in before["needs"]}
    new_needs = {n["id"]: n for n in after["needs"]}
    for nid, need in new_needs.items():
        if nid not in old_needs:
            changes.append(f"Need added: {_short(need['description'])}")
            continue
        old = old_needs[nid]
        for key in ("description", "outcome", "evidence", "indicators"):
            if old[key] != need[key]:
                changes.append(f"Need “{_short(need['description'], 40)}”: {key} changed")
        old_actions = {a["id"]: a for a in old["actions"]}
        for action in need["actions"]:
            prior = old_actions.get(action["id"])
            name = _short(action["description"], 50)
            if prior is None:
                changes.append(f"Action added: {name} ({action['owner']}, by {action['due_on']})")
                continue
            if prior["status"] != action["status"]:
                was, now = _status(prior["status"]), _status(action["status"])
                changes.append(f"Action “{name}”: {was} → {now}")
            if prior["due_on"] != action["due_on"]:
                changes.append(f"Action “{name}”: due {prior['due_on']} → {action['due_on']}")
            if prior["owner_id"] != action["owner_id"]:
                changes.append(f"Action “{name}”: owner {prior['owner']} → {action['owner']}")
            if prior["description"] != action["description"]:
                changes.append(f"Action reworded: {name}")
        for aid, action in old_actions.items():
            if aid not in {a["id"] for a in need["actions"]}:
                changes.append(f"Action removed: {_short(action['description'], 50)}")
    for nid, need in old_needs.items():
        if nid not in new_needs:
            changes.append(f"Need removed: {_short(need['description'])}")
    return changes or ["Saved without changes."]
