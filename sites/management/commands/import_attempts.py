from ._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import a site's attempt results from CSV or XLSX (the same rules as the portal)."
    kind = "attempts"
