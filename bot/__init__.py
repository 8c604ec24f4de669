"""Gridline (民情直通车): the application — settings, wiring, domain services, jobs, notifications."""
