"""`danvan generate`: synthetic data at demo, province or national scale, inserted in bulk."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.core.context import acting
from danvan.core.demo.build import ensure_territories, generate
from danvan.core.demo.loader import DEMO_PASSWORD, DEMO_SEED
from danvan.core.demo.registry import SCALES, registered
from danvan.core.errors import DomainError


class Command(BaseCommand):
    help = gettext_lazy(
        "Generate synthetic data: demo (the demo data), province (every commune of one province) "
        "or national (all 34 provinces and every commune). Idempotent: what exists is kept and "
        "only the missing rows are added, so running it again adds nothing."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse needs a plain string, not a lazy translation.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", choices=SCALES, required=True, help=_("How much data to generate.")
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEMO_SEED,
            help=_("Seed of the random generators (default %(default)s)."),
        )
        parser.add_argument(
            "--province",
            type=int,
            default=None,
            dest="province_code",
            help=_("Province code for --scale province (default 22, Quảng Ninh)."),
        )
        parser.add_argument(
            "--only",
            default="",
            help=_(
                "Run only these generators, comma-separated (e.g. organisations,users,dialogues); "
                "later generators need the organisations and users of the earlier ones."
            ),
        )

    def handle(self, *args, scale, seed, province_code, only, **options):
        started = time.perf_counter()
        names = [name.strip() for name in only.split(",") if name.strip()] or None
        if names:
            known = {item.name for item in registered()}
            unknown = sorted(set(names) - known)
            if unknown:
                raise CommandError(
                    _("Unknown generator %(names)s; known: %(known)s.")
                    % {"names": ", ".join(unknown), "known": ", ".join(sorted(known))}
                )
        with acting(source="command:generate"):
            # Generation works on whatever units are loaded; it imports them only into an empty
            # database (`danvan import-territories` refreshes them).
            ensure_territories(self.stdout, only_if_empty=True)
            try:
                summary, results = generate(
                    scale=scale,
                    seed=seed,
                    province_code=province_code,
                    out=self.stdout,
                    only=names,
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        rows = []
        if summary is not None:
            rows.append(
                (
                    "demo",
                    {
                        "organisations": summary.organisations_created,
                        "users": summary.users_created,
                    },
                    None,
                )
            )
        rows += [(r.name, r.counts, r.seconds) for r in results]
        self.stdout.write(
            _("Generated (scale %(scale)s, seed %(seed)d):") % {"scale": scale, "seed": seed}
        )
        for name, counts, seconds in rows:
            shown = (
                ", ".join(f"{key} {value:,}".replace(",", ".") for key, value in counts.items())
                or "—"
            )
            timing = f"{seconds:8.2f} s" if seconds is not None else " " * 10
            self.stdout.write(f"  {name:<16}{timing}  {shown}")
        self.stdout.write(
            _("Done in %(seconds).1f s. Generated users sign in with the password %(password)s.")
            % {"seconds": time.perf_counter() - started, "password": DEMO_PASSWORD}
        )
