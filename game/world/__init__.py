"""The headless world: components, events, rules, processors, the map, the clock and the mind service (no pygame)."""
