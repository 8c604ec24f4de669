"""Issues (诉求): lifecycle rules, storage-facing services, orchestration flows and outbound texts."""
