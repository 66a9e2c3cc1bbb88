"""Fail loudly when the test database server can't be reached.

`make test` runs this before the PostgreSQL half of the suite, so a missing server is a red
run with a clear message, never a silent skip. Usage: python -m clusterscape.core.check_database URL
"""

import sys

import psycopg


def main(url: str) -> int:
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            version = connection.execute("show server_version").fetchone()[0]
    except psycopg.OperationalError as error:
        sys.stderr.write(f"PostgreSQL at {url} cannot be reached: {error}\n")
        return 1
    sys.stdout.write(f"PostgreSQL {version} at {url}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
