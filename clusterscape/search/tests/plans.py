"""The planner's plans for the statements a piece of search code sends (PostgreSQL), made
with the planner settings the code sends with them."""

from collections.abc import Callable

from django.db import connection


def plans_of(run: Callable[[], object], settings: dict[str, str], *, reading: str) -> list[str]:
    """Run `run` once, then EXPLAIN each statement it sent that contains `reading`, after
    the same SET LOCAL settings (the statements are sent as backends.fetch sends them)."""
    captured = []

    def capture(execute, sql, sql_params, many, context):
        captured.append((sql, sql_params))
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(capture):
        run()
    prefix = "".join(f"SET LOCAL {name} = {value}; " for name, value in settings.items())
    plans = []
    with connection.cursor() as cursor:
        for sql, sql_params in captured:
            if reading in sql:
                cursor.execute(sql.replace(prefix, f"{prefix}EXPLAIN ", 1), sql_params)
                for _setting in settings:
                    cursor.nextset()
                plans.append("\n".join(line for (line,) in cursor.fetchall()))
    return plans
