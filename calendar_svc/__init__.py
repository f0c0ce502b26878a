"""The calendar service: each user's events, tags and the links between them, over REST."""
