"""The sandbox: the real bot against a local Bot API (`botapi`), played from a web page."""
