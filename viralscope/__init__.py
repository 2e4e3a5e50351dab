"""viralscope: social listening and viral-impact analytics."""

__version__ = "0.1.0"
