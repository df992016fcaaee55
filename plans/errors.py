"""Typed refusals of the plan services; callers turn ``code`` into user text."""

from __future__ import annotations


class PlanServiceError(Exception):
    """A plan service refused a request: ``code`` says why, ``params`` give the details.

    Codes: ``no_tasks``, ``duplicate``, ``plan_not_found``, ``plan_archived``,
    ``task_not_found``, ``not_conditional``, ``time_unreadable``, ``unit_not_found``,
    ``unit_exists``, ``unit_name_empty``, ``alias_taken``, ``not_a_group``,
    ``invalid_member``, ``csv_invalid``. Callers turn them into user text.
    """

    def __init__(self, code: str, params: dict[str, object] | None = None) -> None:
        self.code = code
        self.params: dict[str, object] = dict(params or {})
        super().__init__(code, self.params)
