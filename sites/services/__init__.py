"""Write operations for grant sites, one module per area: sites (creation, coordinators,
roster), attempts (attempts and clock hours) and reports (the site report workflow)."""
