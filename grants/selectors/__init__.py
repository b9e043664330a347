"""Read queries of the grants app. Each selector answers one question the product shows."""
