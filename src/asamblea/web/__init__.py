"""Web adapter: HTML pages and the JSON API, both thin layers over the services."""
