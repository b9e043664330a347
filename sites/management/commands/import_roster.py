from ._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import a site's roster from CSV or XLSX (the same rules as the portal upload)."
    kind = "roster"
