"""The window's interface: chat box, inspector, log, help, HUD and minimap (pygame only here and in game/render)."""
