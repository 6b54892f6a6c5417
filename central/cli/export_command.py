"""``amplify central export``: the supplier list, a profile or the sharing file as CSV/XLSX."""

from __future__ import annotations

from pathlib import Path

import click

from .. import access, dataset, exports
from ..home import CentralHome
from . import central
from .common import central_home_option, require_home


def _tables(home: Path, supplier: str | None, share: bool) -> list[exports.Table]:
    with dataset.reading(home) as conn:
        try:
            if share:
                return [exports.sharing_table(conn)]
            if supplier:
                return exports.profile_tables(conn, home, supplier)
            return [exports.supplier_list_table(conn)]
        except exports.NothingReleased as exc:
            raise click.ClickException(str(exc)) from None
        except LookupError:
            raise click.ClickException(
                f"no released figures for supplier {supplier!r}: the factory ids are the "
                "first column of `amplify central export --home C --format csv --out "
                "suppliers.csv`") from None


@central.command("export")
@central_home_option
@click.option("--format", "fmt", required=True, type=click.Choice(exports.FORMATS),
              help="csv (UTF-8 with BOM) or xlsx.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (replaced atomically if it exists).")
@click.option("--supplier", metavar="FACTORY_ID", default=None,
              help="Export this supplier's profile instead of the supplier list.")
@click.option("--share", is_flag=True, help="Write the sharing file for a partner brand: "
              "keyed by Open Supply Hub ID, counted at the project's k_sharing.")
@click.option("--by", metavar="NAME", default="steward", show_default=True,
              help="Who exports, for the audit log (a brand user's name).")
def export(home: Path, fmt: str, out: Path, supplier: str | None, share: bool,
           by: str) -> None:
    """Export released figures: the supplier list, one supplier's profile, or the
    sharing file, as CSV or XLSX.

    Every figure comes through the disclosure door; the file states the thresholds and
    what was withheld, and no cell can run as a formula. --share writes what another
    brand may see: counts at k_sharing (10), no free text, no supplier names, no
    representatives without consent, no supplier with fewer workers than k_sharing.
    Each export is written to the audit log.

    Example:

    \b
        amplify central export --home ~/brand --format xlsx --out suppliers.xlsx
        amplify central export --home ~/brand --format csv --share --out partner.csv
    """
    require_home(home)
    if supplier and share:
        raise click.ClickException("give --supplier or --share, not both")
    if not out.parent.is_dir():
        raise click.ClickException(f"{out.parent} is not a folder")
    CentralHome.open(home)
    tables = _tables(home, supplier, share)
    exports.write_file(tables, fmt, out)
    what = "sharing file" if share else (f"profile {supplier}" if supplier else "supplier list")
    access.audit(home, by, "export", out.name, f"{what} ({fmt})")
    click.echo(f"Wrote {out}: {what}, {sum(len(t.rows) for t in tables)} rows")
