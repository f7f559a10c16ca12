"""Random walks through a Network, reproducible from a seed."""
from __future__ import annotations

import random

from ..lts.network import Network


def random_walk(network: Network, seed: int, steps: int) -> list[tuple[int, tuple[int, ...]]]:
    """A path [(rule, state)] of at most `steps` transitions, stopping early at a dead end."""
    rng = random.Random(seed)
    state = network.initial
    path = [(-1, state)]
    for _ in range(steps):
        succ = network.successors(state)
        if not succ:
            break
        ri, _e, state = succ[rng.randrange(len(succ))]
        path.append((ri, state))
    return path
