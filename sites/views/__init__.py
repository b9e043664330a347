"""Views of the sites app, one module per area."""
