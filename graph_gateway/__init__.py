"""The Fortune Compass GraphQL gateway: accounts, tokens and one schema over the two services."""
