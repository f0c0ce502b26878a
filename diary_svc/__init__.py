"""The diary service: each user's diary entries (date, title, content, mood, weather, tag ids)."""
