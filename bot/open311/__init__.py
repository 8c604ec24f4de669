"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the service list and the issues as
city systems (12345 platforms) read and file them. Plain Python and aiohttp, no Telegram."""
