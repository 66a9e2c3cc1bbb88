"""Raw SQL that differs by database, for migrations (RunPython, so each vendor runs only its
own statements and a database without any runs nothing)."""

from collections.abc import Callable


def run_for_vendor(statements_by_vendor: dict[str, list[str]]) -> Callable:
    """A RunPython function that executes the statements given for the migrated database's
    vendor ("sqlite", "postgresql"), in order."""

    def run(apps, schema_editor) -> None:
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run
