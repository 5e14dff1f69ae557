"""The public registry of certified areas and promotion zones (``/registry/``): listings with filters,
search, sorting and pages, a page per area and per zone, statistics, a map, CSV exports and an embeddable
badge. Everything is read through ``cities.selectors`` and cached under ``cities.freshness.version()``
(``smartcity.pagecache``). docs/registry.md describes it for people."""
