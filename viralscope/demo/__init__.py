"""The demo world: a fictional brand, its competitors and a season of mentions with known truth.

``build_world()`` returns a :class:`World` (mentions, conversions, truth, config); ``viralscope demo`` stores it.
"""

from viralscope.demo.world import DEFAULT_DAYS, DEFAULT_SCALE, DEFAULT_START, World, build_world

__all__ = ["DEFAULT_DAYS", "DEFAULT_SCALE", "DEFAULT_START", "World", "build_world"]
