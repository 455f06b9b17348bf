"""Understanding citizens' free text: category, urgency, language and place.

`nlu` imports nothing of the project above it (`actions`, `bot`).
"""
