throttle-messages = You are sending messages too fast; please wait a moment (at most { $per_minute } a minute). Your last messages were not handled; please send them again shortly.
throttle-reports = You have submitted { $per_hour } reports in the past hour; please submit again later. This draft is kept for you.
