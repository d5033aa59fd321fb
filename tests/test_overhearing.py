"""Overhearing: a resident near a conversation remembers the first line of it it hears, once, as quoted speech."""

from __future__ import annotations

from agents.embeddings import load_embedder
from game.world.components import Perceived
from game.world.simulation import Simulation


def _heard(sim: Simulation, resident: str, prefix: str) -> list[str]:
    """The resident's memories that start with ``prefix``."""
    return [m.text for m in sim.resident(resident).mind.memory.memories if m.text.startswith(prefix)]


def test_a_bystander_remembers_a_conversation_once_not_every_line() -> None:
    sim = Simulation("oakvale", seed=7, brain="scripted", embedder=load_embedder("hash"))
    sim.run(hours=4)  # Monday 10:00: the market and the bakery are busy
    town = sim.town
    talkers = [rid for rid in sorted(town.residents) if rid != "player"
               and town.available(town.residents[rid])
               and town.ecs.component_for_entity(town.residents[rid], Perceived).nearby]
    assert talkers, "someone at work with company at ten on a Monday"
    resident = talkers[0]
    name = sim.resident(resident).persona.first_name
    replies = [sim.chat(resident, line) for line in ("Good morning!", "How is work today?", "What's new?")]
    near = town.ecs.component_for_entity(town.residents[resident], Perceived).nearby - {"player"}
    prefix = f"Heard {name} say to Alex:"
    listeners = [rid for rid in sorted(near) if _heard(sim, rid, prefix)]
    assert listeners, f"someone near {name} ({sorted(near)}) overheard the talk"
    for rid in listeners:
        heard = _heard(sim, rid, prefix)
        assert len(heard) == 1, f"{rid} noted {len(heard)} lines of one conversation: {heard}"
        assert any(heard[0] == f'{prefix} "{reply}"' for reply in replies), heard
    assert not _heard(sim, resident, f"Heard {name} say"), "a speaker does not overhear itself"
    sim.close()
