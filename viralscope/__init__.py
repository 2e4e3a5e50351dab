"""viralscope: social listening and viral-impact analytics."""

from viralscope.core import __version__

__all__ = ["__version__"]
