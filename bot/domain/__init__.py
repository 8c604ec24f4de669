"""The pure domain: vocabulary, the issue lifecycle, the overdue rule, the notices flows emit."""
