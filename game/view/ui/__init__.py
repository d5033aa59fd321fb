"""The window's interface: chat box, inspector, log, help, HUD and minimap (pygame only in game/view)."""
