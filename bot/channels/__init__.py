"""One module per provider, each turning its payloads into InboundMessage and sending replies.

Nothing outside this package imports telegram or twilio.
"""
