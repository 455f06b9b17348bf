"""The conversation: the report flow and the keyword actions, reply texts in en/es/bzj.

Knows nothing of providers or HTTP: channels hand it `InboundMessage`s and send the
`Reply` texts it returns. Imports `nlu` and `storage`, never `bot`.
"""
