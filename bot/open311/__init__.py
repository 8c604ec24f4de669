"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the service list and the issues
for 12345 platforms and city systems. keys.py (API keys), georeport.py (the mapping), web.py (HTTP)."""
