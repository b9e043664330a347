"""Views of the grants app, one module per area. Each view checks its object through
grants.permissions and calls one service."""
