"""Command line: ``python -m generator check|build|generate|serve|new|schemas``.

The only module that prints. Exit codes: 0 success, 1 content problems or a
failed build, 2 usage errors.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .build import BuildFailed, Project, build, check, generate
from .errors import FORMATS, ValidationFailed, format_problems
from .render import RenderError
from .write import WriteError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder (default: .)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    default_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    for name, help_text in (
        ("check", "validate all content and list every problem"),
        ("generate", "check, then write the Markdown pages into docs/"),
        ("build", "check, generate docs/ and build the site into site/ with mkdocs --strict"),
        ("serve", "preview the site, regenerating when content or templates change"),
    ):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--format",
            choices=FORMATS,
            default=default_format,
            help="how to print problems (default: text; github under GitHub Actions)",
        )
        if name == "serve":
            p.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on")
            p.add_argument(
                "--mkdocs",
                action="store_true",
                help="serve with `mkdocs serve` (rebuilds the whole site after each change) instead",
            )
    _editor_parsers(sub)
    help_text = "build synthetic fact sheets of N meetings and time every phase (see pages/performance.md)"
    p = sub.add_parser("bench", help=help_text, description=help_text)
    p.add_argument("--meetings", type=int, action="append", metavar="N", help="repeatable; default 100")
    p.add_argument("--out", type=Path, default=Path(".bench"), help="where to build (default .bench/)")
    p.add_argument(
        "--search", action="store_true", help="also time offline search, and the preview, in Chromium"
    )
    p.add_argument(
        "--phase",
        action="append",
        choices=("build", "preview"),
        help="repeatable; default both: a full build measured, then serve timed end to end",
    )
    p.add_argument("--cold", action="store_true", help="also time serve's start without docs/")
    return parser


def _editor_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``new`` and ``schemas``: the editor's tools (generator/new.py, generator/schemafiles.py)."""
    help_text = "write content/<kinds>/ID.yaml: a skeleton with a comment on every field"
    p = sub.add_parser("new", help=help_text, description=help_text)
    from .new import KIND_NAMES

    kinds = sorted(KIND_NAMES)
    p.add_argument("kind", metavar="KIND", help=f"{', '.join(kinds[:-1])} or {kinds[-1]}")
    p.add_argument("id", metavar="ID", help="the new file's id, e.g. 2024-11-choe-lavrov-moscow")
    p.add_argument(
        "--seed",
        type=Path,
        metavar="ARTICLE",
        help="for a source: an article saved as UTF-8 text, copied unchanged into seeds/ (named by "
        "its content) unless it is there already; the skeleton names it and takes its date line",
    )
    help_text = "write schemas/*.schema.json and pages/reference/schema.md from generator/schema.py"
    sub.add_parser("schemas", help=help_text, description=help_text)


def _editor_command(args: argparse.Namespace, project: Project) -> int:
    from .new import NewError, new_file
    from .schemafiles import write_exported

    if args.command == "schemas":
        changed = write_exported(project.root)
        print(f"{len(changed)} file(s) updated" + (f": {', '.join(changed)}" if changed else "; all current"))
        return EXIT_OK
    try:
        path, seed = new_file(
            project.root, project.content, args.kind, args.id, seed=args.seed, seeds_dir=project.seeds
        )
    except NewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    rel = path.relative_to(project.root).as_posix()
    if seed is not None:
        where = f"{project.seeds}/{seed.name}"
        if seed.copied:
            print(f"Archived {args.seed} as {where}, unchanged.")
        else:
            print(f"{where} holds the same text already: it is the seed.")
        if seed.date:
            print(f"Its date line '{seed.date_line}' gives published: \"{seed.date}\".")
        elif seed.date_line:
            print(f"Its first line '{seed.date_line}' is no date ({seed.date_problem}): fill in published.")
        else:
            print("It has no date line: fill in published, or delete it if nothing dates the article.")
    print(f'Wrote {rel}: replace every "" marked TODO, then run: python -m generator check')
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse prints its own usage message
        return EXIT_USAGE if exc.code else EXIT_OK
    project = Project(args.project.resolve())
    if not (project.root / "mkdocs.yml").is_file():
        print(
            f"error: {project.root} has no mkdocs.yml; run from the project folder or pass --project",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.command in ("new", "schemas"):
        return _editor_command(args, project)
    if args.command == "bench":
        from .bench import markdown_table, run

        def report(msg: str) -> None:
            print(msg, file=sys.stderr, flush=True)

        out = args.out.resolve()
        phases = tuple(args.phase or ("build", "preview"))
        results = [
            run(out / f"n{n}", n, report, search=args.search, phases=phases, cold=args.cold)
            for n in args.meetings or [100]
        ]
        print(markdown_table(results))
        return EXIT_OK
    try:
        if args.command == "check":
            site = check(project)
            print(
                f"OK: {len(site.meetings)} events, {len(site.actors)} actors, {len(site.places)} places, "
                f"{len(site.topics)} topics, {len(site.sources)} sources, {len(site.references)} outside "
                "references; no problems."
            )
        elif args.command == "generate":
            stats = generate(project)
            print(
                f"docs/: {len(stats.written)} written, {stats.unchanged} unchanged, "
                f"{len(stats.removed)} removed."
            )
        elif args.command == "build":
            stats = build(project, report=lambda msg: print(msg, file=sys.stderr, flush=True))
            print(
                f"Built site/ ({len(stats.written)} pages written, {stats.unchanged} unchanged, "
                f"{len(stats.removed)} removed)."
            )
        elif args.command == "serve":
            from .serve import serve

            logging.basicConfig(level=logging.INFO, format="%(levelname)-7s - %(message)s")
            serve(
                project,
                args.dev_addr,
                report=lambda msg: print(msg, file=sys.stderr, flush=True),
                engine=args.mkdocs,
            )
    except ValidationFailed as exc:
        print(
            format_problems(exc.problems, args.format),
            file=sys.stdout if args.format == "json" else sys.stderr,
        )
        return EXIT_PROBLEMS
    except (BuildFailed, RenderError, WriteError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("Nothing was changed: docs/ and site/ are as they were.", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK
