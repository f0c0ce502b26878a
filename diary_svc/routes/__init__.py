"""The diary service's REST routes."""
