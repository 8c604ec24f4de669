"""Everything that speaks Telegram: routers, filters, middlewares, callback data and keyboards."""
