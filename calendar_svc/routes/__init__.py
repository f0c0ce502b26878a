"""The calendar service's HTTP routes, one module per resource."""
