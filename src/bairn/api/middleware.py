"""Every answer under /api/ is JSON (API.md "Conventions"), including those no endpoint
gave: a path that matches no route (404), a verb a route does not take (405), and the
server's own error pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

DETAILS = {404: "Not found.", 405: "Method not allowed."}


class JsonErrors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            answer = JsonResponse(
                {"detail": DETAILS.get(response.status_code, response.reason_phrase)},
                status=response.status_code,
            )
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response
