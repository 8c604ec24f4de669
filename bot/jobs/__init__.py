"""Scheduled jobs. Each takes `now`, derives what is due from the data, and records what it did,
so a rerun (or a catch-up run after downtime) never repeats a message."""
