"""Write operations of the grants app. Each service enforces one business rule, runs in
a transaction and raises ValidationError with a message a person can act on."""
