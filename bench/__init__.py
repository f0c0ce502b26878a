"""`make bench`: drive the whole system with wrk; weigh the gateway's cost against the services'."""
