"""The minds of npcworld: personas, routines, intents and the brains behind one protocol (no esper, no pygame)."""
