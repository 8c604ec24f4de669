"""The organisation as data: the grid hierarchy, the service list (服务清单) and staff."""
