"""The `dfr` command line: a front door like the web UI. It parses, calls one service (or a
read-only query), prints the result, and starts the flows that tell people.

Holds no business rule and runs no SQL (services and `models.queries` do). Its messages name its
own commands and options: the domain's errors are neutral, and `hints` adds the CLI's advice
for the input an error is about. `main` is the console entry point (`dfr.cli.main:run`). May
import every layer below it.
"""
